//! Configuration: flags, `PYROSCOPE_*` env vars and the YAML config file (`server.yml`,
//! the original Pyroscope server's keys), merged with the precedence
//! flag > env var > file > default into the validated [`Config`] the server reads.
//!
//! - [`options`]: THE table of options (name, env var, default, help, kind), shared by
//!   every layer;
//! - [`values`]: the value types and their one parser each (flags, env vars and the file
//!   are read by the same code);
//! - [`file`]: the file's shape (unknown keys and wrong types are errors with a line;
//!   the original's unimplemented keys are refused or warned about);
//! - [`cli`]: subcommands and the flags, built from the table.

pub mod cli;
pub mod file;
pub mod options;
pub mod values;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::auth::{AuthConfig, InitialAdmin};
use crate::jobs::retention::RetentionPolicy;
use crate::scrape::config::ScrapeConfig;

pub use cli::{AdminCommand, Cli, Command, ConfigCommand, ResetPasswordArgs, ServerArgs};
pub use file::{FileConfig, FileError};
pub use values::LogFormat;

/// A configuration error, reported before the server starts.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file is missing (when named), unreadable or invalid.
    #[error(transparent)]
    File(#[from] FileError),
    /// A flag's value is invalid.
    #[error("invalid --{key}: {message}")]
    Flag {
        /// The option.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// An env var's value is invalid.
    #[error("invalid {var} (environment variable): {message}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong.
        message: String,
    },
    /// Values that are valid alone do not fit together.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Where the layers come from (the process's flags, env and default file in `main`; given
/// explicitly in tests).
#[derive(Debug)]
pub struct Sources<'a, E: Fn(&str) -> Option<String>> {
    /// The flags as typed.
    pub args: &'a ServerArgs,
    /// Looks up an env var.
    pub env: E,
    /// The file read when none is named, if it exists.
    pub default_file: &'a Path,
}

/// Validated server configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Socket address to listen on.
    pub bind: SocketAddr,
    /// Root of the on-disk store.
    pub storage_path: PathBuf,
    /// Where the web app's files come from.
    pub ui_dir: Option<PathBuf>,
    /// HTTP-layer tunables.
    pub settings: crate::Settings,
    /// Whether the server stores its own CPU profile.
    pub self_profiling: bool,
    /// Length of each self-profile.
    pub self_profiling_period: Duration,
    /// Authentication switches.
    pub auth: AuthConfig,
    /// Log filter.
    pub log_level: String,
    /// Log line format.
    pub log_format: LogFormat,
    /// What to delete, and when (`retention`, `retention-levels`, `retention-max-size`).
    pub retention: RetentionPolicy,
    /// Pull mode: the `scrape-configs` jobs.
    pub scrape_configs: Vec<ScrapeConfig>,
    /// The config file that was read, if any.
    pub file: Option<PathBuf>,
    /// Keys of the original that were read and ignored.
    pub ignored_keys: Vec<&'static str>,
    /// Every layer merged, as the file's shape (what `config print` and `/config` show).
    pub effective: FileConfig,
}

impl ServerArgs {
    /// Merges these flags with the process's env vars and config file.
    pub fn load(&self) -> Result<Config, ConfigError> {
        load(&Sources {
            args: self,
            env: |k: &str| std::env::var(k).ok(),
            default_file: Path::new(options::DEFAULT_CONFIG_FILE),
        })
    }
}

/// Reads every layer and merges them: flag > env var > file > default.
pub fn load<E: Fn(&str) -> Option<String>>(src: &Sources<'_, E>) -> Result<Config, ConfigError> {
    let env = |k: &str| (src.env)(k).filter(|v| !v.is_empty());
    let explicit = src
        .args
        .config
        .clone()
        .or_else(|| env(options::CONFIG_ENV).map(PathBuf::from));
    let path = explicit.or_else(|| {
        src.default_file
            .is_file()
            .then(|| src.default_file.to_path_buf())
    });
    let mut merged = match &path {
        Some(p) => FileConfig::load(p)?,
        None => FileConfig::default(),
    };
    for o in options::OPTIONS {
        let var = o.env_name();
        let found = env(&var).map(|v| (var, v)).or_else(|| {
            o.legacy_env()
                .and_then(|l| env(l).map(|v| (l.to_string(), v)))
        });
        if let Some((var, v)) = found {
            (o.set)(&mut merged, &v).map_err(|message| ConfigError::Env { var, message })?;
        }
    }
    for o in options::OPTIONS {
        if let Some(v) = src.args.flags.get(o.key) {
            (o.set)(&mut merged, v).map_err(|message| ConfigError::Flag {
                key: o.key.to_string(),
                message,
            })?;
        }
    }
    for o in options::OPTIONS {
        if let (false, Some(d)) = ((o.is_set)(&merged), o.default) {
            (o.set)(&mut merged, d)
                .map_err(|m| ConfigError::Invalid(format!("default of {}: {m}", o.key)))?;
        }
    }
    Config::from_merged(merged, path)
}

/// The value of a field every layer left unset although the table has a default (a bug
/// of the table, reported rather than panicking).
fn need<T: Clone>(v: Option<&values::Val<T>>, key: &str) -> Result<T, ConfigError> {
    v.map(|v| v.0.clone())
        .ok_or_else(|| ConfigError::Invalid(format!("{key} has no value")))
}

impl Config {
    fn from_merged(m: FileConfig, file: Option<PathBuf>) -> Result<Config, ConfigError> {
        let bytes = |v: Option<&values::Val<values::ByteSize>>, key: &str| {
            need(v, key).and_then(|b| {
                usize::try_from(b.0).map_err(|_| ConfigError::Invalid(format!("{key} too large")))
            })
        };
        let max_age = need(m.retention.as_ref(), "retention")?.non_zero();
        let period = need(m.self_profiling_period.as_ref(), "self-profiling-period")?.0;
        if period.as_secs() == 0 || period.subsec_nanos() != 0 {
            return Err(ConfigError::Invalid(format!(
                "self-profiling-period must be whole seconds, at least 1s (got {period:?})"
            )));
        }
        let max_disk = need(m.retention_max_size.as_ref(), "retention-max-size")?.0;
        Ok(Config {
            bind: need(m.api_bind_addr.as_ref(), "api-bind-addr")?.addr,
            storage_path: need(m.storage_path.as_ref(), "storage-path")?,
            ui_dir: m.ui_dir.as_ref().map(|v| v.0.clone()),
            settings: crate::Settings {
                limits: crate::ingest::Limits {
                    max_body: bytes(m.max_ingest_body.as_ref(), "max-ingest-body")?,
                    max_decompressed: bytes(m.max_decompressed.as_ref(), "max-decompressed")?,
                    max_in_flight: bytes(m.max_ingest_in_flight.as_ref(), "max-ingest-in-flight")?,
                },
                max_nodes_render: cinder_profile::MaxNodes::from_param(need(
                    m.max_nodes_render.as_ref(),
                    "max-nodes-render",
                )?)
                .unwrap_or(cinder_profile::MaxNodes::RENDER_DEFAULT),
                retention: max_age,
            },
            self_profiling: !need(m.no_self_profiling.as_ref(), "no-self-profiling")?,
            self_profiling_period: period,
            auth: auth_config(&m)?,
            log_level: need(m.log_level.as_ref(), "log-level")?.0,
            log_format: need(m.log_format.as_ref(), "log-format")?,
            retention: RetentionPolicy {
                max_age,
                level_max_age: m
                    .retention_levels
                    .iter()
                    .flat_map(|l| l.0.iter().map(|(k, v)| (*k, v.0)))
                    .collect(),
                max_disk_bytes: (max_disk > 0).then_some(max_disk),
            },
            scrape_configs: scrape_configs(&m)?,
            file,
            ignored_keys: m.ignored_keys(),
            effective: m,
        })
    }

    /// The effective configuration as YAML, secrets redacted (`cinder config print`).
    pub fn redacted_yaml(&self) -> Result<String, ConfigError> {
        serde_yaml_ng::to_string(&self.effective)
            .map_err(|e| ConfigError::Invalid(format!("cannot print the configuration: {e}")))
    }

    /// The effective configuration as JSON, secrets redacted (`GET /config`).
    #[must_use]
    pub fn redacted_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.effective).unwrap_or_default()
    }

    /// What to tell the operator at startup: the file read and the keys ignored.
    #[must_use]
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(f) = &self.file {
            out.push(format!("read config file {}", f.display()));
        }
        for k in &self.ignored_keys {
            out.push(format!(
                "config key {k} has no effect in Cinder and is ignored"
            ));
        }
        out
    }
}

fn auth_config(m: &FileConfig) -> Result<AuthConfig, ConfigError> {
    let a = &m.auth;
    let admin = &a.internal.admin;
    let create = need(admin.create.as_ref(), "auth.internal.admin.create")?;
    Ok(AuthConfig {
        internal: need(a.internal.enabled.as_ref(), "auth.internal.enabled")?,
        signup: need(
            a.internal.signup_enabled.as_ref(),
            "auth.internal.signup-enabled",
        )?,
        signup_default_role: need(a.signup_default_role.as_ref(), "auth.signup-default-role")?,
        initial_admin: if create {
            Some(InitialAdmin {
                name: need(admin.name.as_ref(), "auth.internal.admin.name")?,
                email: need(admin.email.as_ref(), "auth.internal.admin.email")?,
                password: need(admin.password.as_ref(), "auth.internal.admin.password")?,
            })
        } else {
            None
        },
        ingestion: need(a.ingestion.enabled.as_ref(), "auth.ingestion.enabled")?,
        jwt_secret: a
            .jwt_secret
            .as_ref()
            .map(|s| s.0.clone())
            .filter(|s| !s.0.is_empty()),
        login_lifetime_days: need(
            a.login_maximum_lifetime_days.as_ref(),
            "auth.login-maximum-lifetime-days",
        )?,
        cookie_same_site: need(a.cookie_same_site.as_ref(), "auth.cookie-same-site")?,
        cookie_secure: need(a.cookie_secure.as_ref(), "auth.cookie-secure")?,
        ..AuthConfig::default()
    })
}

/// The `scrape-configs` jobs, checked as the scraper will plan them (unknown profile, bad
/// target address, duplicate job…), so a mistake stops the server at startup instead of
/// being logged while nothing is scraped.
fn scrape_configs(m: &FileConfig) -> Result<Vec<ScrapeConfig>, ConfigError> {
    let jobs = m.scrape_configs.clone().unwrap_or_default();
    crate::scrape::endpoints(&jobs)
        .map_err(|e| ConfigError::Invalid(format!("scrape-configs: {e}")))?;
    Ok(jobs)
}
