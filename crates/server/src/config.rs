//! Command-line and environment configuration. Flags keep the original Pyroscope server's
//! names (`--api-bind-addr`, `--storage-path`) and env vars (`PYROSCOPE_*`), so existing
//! deployment scripts work unchanged. [`ServerArgs`] is what the user typed; [`Config`] is
//! the validated, resolved form the rest of the server reads.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand};

use crate::auth::{AuthConfig, InitialAdmin, Role, SameSite, Secret};

/// Cinder: continuous profiling, compatible with Pyroscope agents and its HTTP API.
#[derive(Debug, Parser)]
#[command(name = "cinder", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The binary's subcommands (as in the original, `server` runs the server).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: ingestion, storage, query API and the web app.
    Server(Box<ServerArgs>),
    /// Operator commands (work with the server stopped or running).
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// `cinder admin …`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Set a user's password, read from standard input (one line), and end that user's
    /// sessions. With the server running, the change goes through its admin socket.
    ResetPassword(ResetPasswordArgs),
}

/// Flags of `cinder admin reset-password`.
#[derive(Debug, Args, Clone)]
pub struct ResetPasswordArgs {
    /// The server's storage directory.
    #[arg(long, env = "PYROSCOPE_STORAGE_PATH", default_value = "./data")]
    pub storage_path: PathBuf,
    /// The user's login name.
    pub user: String,
}

/// Flags of `cinder server`, as typed.
#[derive(Debug, Args, Clone)]
pub struct ServerArgs {
    /// Address to listen on: `:PORT` (all interfaces), `HOST:PORT` or `IP:PORT`.
    #[arg(long, env = "PYROSCOPE_API_BIND_ADDR", default_value = ":4040")]
    pub api_bind_addr: String,

    /// Directory where profiles, users and keys are stored (created if missing).
    #[arg(long, env = "PYROSCOPE_STORAGE_PATH", default_value = "./data")]
    pub storage_path: PathBuf,

    /// Serve the web app from this directory instead of the copy embedded in the binary
    /// (a Trunk `dist/` folder). Useful during development and in tests.
    #[arg(long, env = "CINDER_UI_DIR")]
    pub ui_dir: Option<PathBuf>,

    /// Node budget of `/render` when the request does not name one (`-1`: unlimited).
    #[arg(
        long,
        env = "PYROSCOPE_MAX_NODES_RENDER",
        default_value_t = 8192,
        allow_negative_numbers = true
    )]
    pub max_nodes_render: i64,

    /// How long to keep data, e.g. `30d` or `1y`; `0` keeps it forever. Older uploads are
    /// dropped and older data is deleted every 10 minutes.
    #[arg(long, env = "PYROSCOPE_RETENTION", default_value = "0")]
    pub retention: String,

    /// Largest accepted upload body in bytes (413 above).
    #[arg(long, env = "CINDER_MAX_INGEST_BODY", default_value_t = crate::ingest::Limits::DEFAULT_MAX_UPLOAD)]
    pub max_ingest_body: usize,

    /// Largest size an upload may decompress to, in bytes, all its gzip streams together
    /// (413 above; stops gzip bombs). The default is eight times Grafana Pyroscope's
    /// 4 MiB profile limit.
    #[arg(long, env = "CINDER_MAX_DECOMPRESSED", default_value_t = crate::ingest::Limits::DEFAULT_MAX_UPLOAD)]
    pub max_decompressed: usize,

    /// Bytes that all uploads in flight may hold together (bodies and decompressed data).
    /// An upload that would exceed it waits up to a second, then gets 503 with Retry-After.
    #[arg(long, env = "CINDER_MAX_INGEST_IN_FLIGHT", default_value_t = crate::ingest::Limits::DEFAULT_MAX_IN_FLIGHT)]
    pub max_ingest_in_flight: usize,

    /// Do not profile the server itself (by default its CPU profile is stored as the app
    /// `cinder.server.cpu`).
    #[arg(long, env = "CINDER_NO_SELF_PROFILING")]
    pub no_self_profiling: bool,

    /// Length of each self-profile, e.g. `10s` (whole seconds; profiles end on multiples of
    /// it). Shorter periods are for tests.
    #[arg(
        long,
        env = "CINDER_SELF_PROFILING_PERIOD",
        default_value = "10s",
        hide = true
    )]
    pub self_profiling_period: String,

    /// Log filter in `tracing` syntax, e.g. `info` or `cinder_server=debug`.
    #[arg(long, env = "PYROSCOPE_LOG_LEVEL", default_value = "info")]
    pub log_level: String,

    #[command(flatten)]
    pub auth: AuthArgs,
}

/// The auth flags (spec §5.1), named as in the original with their `PYROSCOPE_*` env vars.
/// Boolean switches take Go's forms: `--flag`, `--flag=true`, `--flag=false` (and `1`/`0`,
/// `yes`/`no`, `on`/`off`, in flags and env vars alike).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Authentication")]
pub struct AuthArgs {
    /// Login/password authentication: the web app and every data route then need a
    /// session or an API key, and /api/user, /api/users and /api/keys are served.
    #[arg(
        long = "auth.internal.enabled",
        env = "PYROSCOPE_AUTH_INTERNAL_ENABLED",
        value_name = "BOOL",
        action = ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "false",
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub internal_enabled: bool,

    /// Let anyone create an account on /signup (with --auth.signup-default-role).
    #[arg(
        long = "auth.internal.signup-enabled",
        env = "PYROSCOPE_AUTH_INTERNAL_SIGNUP_ENABLED",
        value_name = "BOOL",
        action = ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "false",
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub signup_enabled: bool,

    /// Create the initial admin user on the store's first start (never again, even if it
    /// is deleted later). Change its password after the first login.
    #[arg(
        long = "auth.internal.admin.create",
        env = "PYROSCOPE_AUTH_INTERNAL_ADMIN_CREATE",
        value_name = "BOOL",
        action = ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "true",
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub admin_create: bool,

    /// Name of the initial admin user.
    #[arg(
        long = "auth.internal.admin.name",
        env = "PYROSCOPE_AUTH_INTERNAL_ADMIN_NAME",
        default_value = "admin"
    )]
    pub admin_name: String,

    /// E-mail address of the initial admin user.
    #[arg(
        long = "auth.internal.admin.email",
        env = "PYROSCOPE_AUTH_INTERNAL_ADMIN_EMAIL",
        default_value = "admin@localhost.local"
    )]
    pub admin_email: String,

    /// Password of the initial admin user.
    #[arg(
        long = "auth.internal.admin.password",
        env = "PYROSCOPE_AUTH_INTERNAL_ADMIN_PASSWORD",
        default_value = "admin",
        hide_env_values = true
    )]
    pub admin_password: Secret,

    /// Role of users who sign up: ReadOnly, Agent or Admin.
    #[arg(
        long = "auth.signup-default-role",
        env = "PYROSCOPE_AUTH_SIGNUP_DEFAULT_ROLE",
        default_value = "ReadOnly"
    )]
    pub signup_default_role: String,

    /// Uploads (/ingest, /push.v1.PusherService/Push) need an API key (Authorization:
    /// Bearer psx-…, or Basic with the key as password) of role Agent or Admin, and
    /// deleting an app needs role Admin. Works without internal auth too, with keys
    /// created while it was on.
    #[arg(
        long = "auth.ingestion.enabled",
        env = "PYROSCOPE_AUTH_INGESTION_ENABLED",
        value_name = "BOOL",
        action = ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "false",
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub ingestion_enabled: bool,

    /// Key that signs session cookies (HS256). When empty, a random one is generated on
    /// first start and kept in the store, so sessions survive restarts.
    #[arg(
        long = "auth.jwt-secret",
        env = "PYROSCOPE_AUTH_JWT_SECRET",
        hide_env_values = true
    )]
    pub jwt_secret: Option<Secret>,

    /// Sessions expire this many days after login; 0: they last until logout, a password,
    /// role or disabled change, or the end of the browser session.
    #[arg(
        long = "auth.login-maximum-lifetime-days",
        env = "PYROSCOPE_AUTH_LOGIN_MAXIMUM_LIFETIME_DAYS",
        default_value_t = 0
    )]
    pub login_maximum_lifetime_days: u32,

    /// SameSite attribute of the session cookie: Lax, Strict or None (None implies Secure).
    #[arg(
        long = "auth.cookie-same-site",
        env = "PYROSCOPE_AUTH_COOKIE_SAME_SITE",
        default_value = "Lax"
    )]
    pub cookie_same_site: String,

    /// Mark the session cookie Secure (sent over https only). It is also Secure when a
    /// proxy reports https (X-Forwarded-Proto).
    #[arg(
        long = "auth.cookie-secure",
        env = "PYROSCOPE_AUTH_COOKIE_SECURE",
        value_name = "BOOL",
        action = ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "false",
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub cookie_secure: bool,
}

/// A configuration error, reported before the server starts.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The retention period could not be understood.
    #[error("invalid --retention {0:?}: expected 0 or a duration such as 30d, 12h, 1y")]
    Retention(String),
    /// The self-profiling period is not a whole number of seconds.
    #[error("invalid --self-profiling-period {0:?}: expected a duration of at least 1s")]
    Period(String),
    /// The bind address could not be understood.
    #[error("invalid --api-bind-addr {0:?}: expected :PORT, HOST:PORT or IP:PORT")]
    BindAddr(String),
    /// The signup role is not a role.
    #[error("invalid --auth.signup-default-role {0:?}: expected ReadOnly, Agent or Admin")]
    Role(String),
    /// The SameSite attribute is not one.
    #[error("invalid --auth.cookie-same-site {0:?}: expected Lax, Strict or None")]
    SameSite(String),
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
    pub self_profiling_period: std::time::Duration,
    /// Authentication switches.
    pub auth: AuthConfig,
}

impl ServerArgs {
    /// Validates and resolves the flags.
    pub fn resolve(&self) -> Result<Config, ConfigError> {
        Ok(Config {
            bind: parse_bind_addr(&self.api_bind_addr)?,
            storage_path: self.storage_path.clone(),
            ui_dir: self.ui_dir.clone(),
            settings: crate::Settings {
                limits: crate::ingest::Limits {
                    max_body: self.max_ingest_body,
                    max_decompressed: self.max_decompressed,
                    max_in_flight: self.max_ingest_in_flight,
                },
                max_nodes_render: cinder_profile::MaxNodes::from_param(self.max_nodes_render)
                    .unwrap_or(cinder_profile::MaxNodes::RENDER_DEFAULT),
                retention: parse_retention(&self.retention)?,
            },
            self_profiling: !self.no_self_profiling,
            self_profiling_period: humantime::parse_duration(&self.self_profiling_period)
                .ok()
                .filter(|d| d.as_secs() > 0)
                .ok_or_else(|| ConfigError::Period(self.self_profiling_period.clone()))?,
            auth: self.auth.resolve()?,
        })
    }
}

impl AuthArgs {
    /// Validates the auth flags.
    pub fn resolve(&self) -> Result<AuthConfig, ConfigError> {
        let role = Role::parse(&self.signup_default_role)
            .ok_or_else(|| ConfigError::Role(self.signup_default_role.clone()))?;
        let same_site = SameSite::parse(&self.cookie_same_site)
            .ok_or_else(|| ConfigError::SameSite(self.cookie_same_site.clone()))?;
        Ok(AuthConfig {
            internal: self.internal_enabled,
            signup: self.signup_enabled,
            signup_default_role: role,
            initial_admin: self.admin_create.then(|| InitialAdmin {
                name: self.admin_name.clone(),
                email: self.admin_email.clone(),
                password: self.admin_password.clone(),
            }),
            ingestion: self.ingestion_enabled,
            jwt_secret: self.jwt_secret.clone().filter(|s| !s.0.is_empty()),
            login_lifetime_days: self.login_maximum_lifetime_days,
            cookie_same_site: same_site,
            cookie_secure: self.cookie_secure,
            ..AuthConfig::default()
        })
    }
}

/// `0` (or empty) means keep forever; otherwise a humantime duration (`30d`, `1y`).
pub fn parse_retention(s: &str) -> Result<Option<std::time::Duration>, ConfigError> {
    match s.trim() {
        "" | "0" => Ok(None),
        t => humantime::parse_duration(t)
            .map(|d| (!d.is_zero()).then_some(d))
            .map_err(|_| ConfigError::Retention(s.to_string())),
    }
}

/// Parses Go-style listen addresses: `:4040` means every interface, `localhost:4040` is
/// resolved to the loopback address.
pub fn parse_bind_addr(s: &str) -> Result<SocketAddr, ConfigError> {
    let err = || ConfigError::BindAddr(s.to_string());
    let (host, port) = s.rsplit_once(':').ok_or_else(err)?;
    let port: u16 = port.parse().map_err(|_| err())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip = match host {
        "" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        h => h.parse().map_err(|_| err())?,
    };
    Ok(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_addr_accepts_go_style_forms() {
        assert_eq!(
            parse_bind_addr(":4040").unwrap().to_string(),
            "0.0.0.0:4040"
        );
        assert_eq!(
            parse_bind_addr("127.0.0.1:80").unwrap().to_string(),
            "127.0.0.1:80"
        );
        assert_eq!(
            parse_bind_addr("localhost:1").unwrap().to_string(),
            "127.0.0.1:1"
        );
        assert_eq!(parse_bind_addr("[::1]:9").unwrap().to_string(), "[::1]:9");
    }

    #[test]
    fn retention_accepts_durations_and_zero() {
        assert_eq!(parse_retention("0").unwrap(), None);
        assert_eq!(
            parse_retention("1d").unwrap(),
            Some(std::time::Duration::from_secs(86_400))
        );
        assert!(parse_retention("soon").is_err());
    }

    fn auth_of(args: &[&str]) -> Result<AuthConfig, ConfigError> {
        let mut argv = vec!["cinder", "server"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Server(a) => a.auth.resolve(),
            Command::Admin(_) => unreachable!("parsed `cinder server`"),
        }
    }

    #[test]
    fn auth_switches_take_go_style_booleans() {
        let on = auth_of(&["--auth.internal.enabled", "--auth.ingestion.enabled=1"]).unwrap();
        assert!(on.internal && on.ingestion && !on.signup);
        let off = auth_of(&["--auth.internal.admin.create=false"]).unwrap();
        assert!(!off.internal && off.initial_admin.is_none());
        let c = auth_of(&[
            "--auth.cookie-same-site",
            "strict",
            "--auth.signup-default-role=agent",
        ])
        .unwrap();
        assert_eq!(
            (c.cookie_same_site, c.signup_default_role),
            (SameSite::Strict, Role::Agent)
        );
        assert!(matches!(
            auth_of(&["--auth.signup-default-role", "Editor"]),
            Err(ConfigError::Role(_))
        ));
        assert!(matches!(
            auth_of(&["--auth.cookie-same-site", "sometimes"]),
            Err(ConfigError::SameSite(_))
        ));
    }

    #[test]
    fn bind_addr_rejects_garbage() {
        for bad in ["4040", ":http", "host.example:1", ":70000"] {
            assert!(parse_bind_addr(bad).is_err(), "{bad}");
        }
    }
}
