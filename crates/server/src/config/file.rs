//! The config file (`server.yml`) with the original Pyroscope server's key names and
//! nesting. [`FileConfig`] is also the shape every layer is merged into (flags and env vars
//! set its fields through the option table) and the shape `cinder config print` and
//! `GET /config` show, secrets redacted.
//!
//! Unknown keys and wrong types are errors naming the key, line and column. Keys of the
//! original that Cinder does not implement are either refused ([`Unsupported`]: features
//! whose absence would change what the user gets, e.g. `remote-write`, OAuth, TLS) or
//! accepted with a warning ([`Ignored`]: tuning knobs of the original's storage engine
//! that mean nothing here, e.g. `cache-evict-threshold`).

use std::path::{Path, PathBuf};

use serde::de::{self, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize};

use super::values::{BindAddr, ByteSize, LevelAges, LogFormat, LogLevel, Val};
use crate::auth::{SameSite, Secret};
use crate::base::{HumanDuration, Role};
use crate::scrape::config::ScrapeConfig;

/// The whole configuration, as a file holds it (every key optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct FileConfig {
    pub api_bind_addr: Option<Val<BindAddr>>,
    pub storage_path: Option<Val<PathBuf>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ui_dir: Option<Val<PathBuf>>,
    pub log_level: Option<Val<LogLevel>>,
    pub log_format: Option<Val<LogFormat>>,
    pub max_nodes_render: Option<Val<i64>>,
    pub retention: Option<Val<HumanDuration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_levels: Option<LevelAges>,
    pub retention_max_size: Option<Val<ByteSize>>,
    pub max_ingest_body: Option<Val<ByteSize>>,
    pub max_decompressed: Option<Val<ByteSize>>,
    pub max_ingest_in_flight: Option<Val<ByteSize>>,
    pub no_self_profiling: Option<Val<bool>>,
    pub self_profiling_period: Option<Val<HumanDuration>>,
    pub auth: AuthFile,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scrape_configs: Option<Vec<ScrapeConfig>>,
    #[serde(skip_serializing)]
    pub remote_write: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub tls_certificate_file: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub tls_key_file: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub base_url: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub cors: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub hide_applications: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub metrics_export_rules: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub database: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub analytics_opt_out: Option<Ignored>,
    #[serde(skip_serializing)]
    pub badger_log_level: Option<Ignored>,
    #[serde(skip_serializing)]
    pub badger_no_truncate: Option<Ignored>,
    #[serde(skip_serializing)]
    pub cache_evict_threshold: Option<Ignored>,
    #[serde(skip_serializing)]
    pub cache_evict_volume: Option<Ignored>,
    #[serde(skip_serializing)]
    pub cache_dimension_size: Option<Ignored>,
    #[serde(skip_serializing)]
    pub cache_dictionary_size: Option<Ignored>,
    #[serde(skip_serializing)]
    pub cache_segment_size: Option<Ignored>,
    #[serde(skip_serializing)]
    pub cache_tree_size: Option<Ignored>,
    #[serde(skip_serializing)]
    pub min_free_space_percentage: Option<Ignored>,
    #[serde(skip_serializing)]
    pub out_of_space_threshold: Option<Ignored>,
    #[serde(skip_serializing)]
    pub max_nodes_serialization: Option<Ignored>,
    #[serde(skip_serializing)]
    pub sample_rate: Option<Ignored>,
    #[serde(skip_serializing)]
    pub exemplars_retention: Option<Ignored>,
    #[serde(skip_serializing)]
    pub disable_pprof_endpoint: Option<Ignored>,
    #[serde(skip_serializing)]
    pub enable_experimental_admin: Option<Ignored>,
    #[serde(skip_serializing)]
    pub enable_experimental_adhoc_ui: Option<Ignored>,
    #[serde(skip_serializing)]
    pub admin_socket_path: Option<Ignored>,
}

/// `auth:`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct AuthFile {
    pub internal: InternalFile,
    pub ingestion: IngestionFile,
    pub signup_default_role: Option<Val<Role>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt_secret: Option<Val<Secret>>,
    pub login_maximum_lifetime_days: Option<Val<u32>>,
    pub cookie_same_site: Option<Val<SameSite>>,
    pub cookie_secure: Option<Val<bool>>,
    #[serde(skip_serializing)]
    pub google: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub github: Option<Unsupported>,
    #[serde(skip_serializing)]
    pub gitlab: Option<Unsupported>,
}

/// `auth.internal:`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct InternalFile {
    pub enabled: Option<Val<bool>>,
    pub signup_enabled: Option<Val<bool>>,
    pub admin: AdminFile,
}

/// `auth.internal.admin:`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct AdminFile {
    pub create: Option<Val<bool>>,
    pub name: Option<Val<String>>,
    pub email: Option<Val<String>>,
    pub password: Option<Val<Secret>>,
}

/// `auth.ingestion:`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct IngestionFile {
    pub enabled: Option<Val<bool>>,
    #[serde(skip_serializing)]
    pub cache_ttl: Option<Ignored>,
    #[serde(skip_serializing)]
    pub cache_size: Option<Ignored>,
}

/// A key of the original that Cinder refuses: reading it is an error.
#[derive(Debug, Clone, Copy)]
pub struct Unsupported;

impl<'de> Deserialize<'de> for Unsupported {
    /// Refuses whatever the value is. The deserializer is asked for the value first, so
    /// the error carries the key's path, line and column.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn refuse<E: de::Error>() -> Result<Unsupported, E> {
            Err(E::custom(
                "not supported by Cinder (remove it; see README, Configuration)",
            ))
        }
        impl<'de> de::Visitor<'de> for V {
            type Value = Unsupported;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("nothing: this key is not supported by Cinder")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Unsupported, E> {
                refuse()
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Unsupported, E> {
                refuse()
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Unsupported, E> {
                refuse()
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Unsupported, E> {
                refuse()
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Unsupported, E> {
                refuse()
            }
            fn visit_unit<E: de::Error>(self) -> Result<Unsupported, E> {
                refuse()
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Unsupported, A::Error> {
                refuse()
            }
            fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Unsupported, A::Error> {
                refuse()
            }
        }
        d.deserialize_any(V)
    }
}

/// A key of the original that has no meaning for Cinder: read, ignored, warned about.
#[derive(Debug, Clone, Copy)]
pub struct Ignored;

impl<'de> Deserialize<'de> for Ignored {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Ignored)
    }
}

/// Why a config file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be read (an explicitly named file that is missing, too).
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The YAML is malformed, has an unknown key, or a value of the wrong type.
    #[error("config file {}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// serde_yaml_ng's message: the key path, what is wrong, line and column.
        message: String,
    },
}

impl FileConfig {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<FileConfig, FileError> {
        let text = std::fs::read_to_string(path).map_err(|source| FileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        FileConfig::parse(&text).map_err(|message| FileError::Parse {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses a file's text (an empty file is an empty configuration).
    pub fn parse(text: &str) -> Result<FileConfig, String> {
        if text.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#') || l == "---"
        }) {
            return Ok(FileConfig::default());
        }
        serde_yaml_ng::from_str(text).map_err(|e| e.to_string())
    }

    /// Keys of the original that were read and ignored, for the startup warning.
    #[must_use]
    pub fn ignored_keys(&self) -> Vec<&'static str> {
        let top = [
            ("analytics-opt-out", self.analytics_opt_out.is_some()),
            ("badger-log-level", self.badger_log_level.is_some()),
            ("badger-no-truncate", self.badger_no_truncate.is_some()),
            (
                "cache-evict-threshold",
                self.cache_evict_threshold.is_some(),
            ),
            ("cache-evict-volume", self.cache_evict_volume.is_some()),
            ("cache-dimension-size", self.cache_dimension_size.is_some()),
            (
                "cache-dictionary-size",
                self.cache_dictionary_size.is_some(),
            ),
            ("cache-segment-size", self.cache_segment_size.is_some()),
            ("cache-tree-size", self.cache_tree_size.is_some()),
            (
                "min-free-space-percentage",
                self.min_free_space_percentage.is_some(),
            ),
            (
                "out-of-space-threshold",
                self.out_of_space_threshold.is_some(),
            ),
            (
                "max-nodes-serialization",
                self.max_nodes_serialization.is_some(),
            ),
            ("sample-rate", self.sample_rate.is_some()),
            ("exemplars-retention", self.exemplars_retention.is_some()),
            (
                "disable-pprof-endpoint",
                self.disable_pprof_endpoint.is_some(),
            ),
            (
                "enable-experimental-admin",
                self.enable_experimental_admin.is_some(),
            ),
            (
                "enable-experimental-adhoc-ui",
                self.enable_experimental_adhoc_ui.is_some(),
            ),
            ("admin-socket-path", self.admin_socket_path.is_some()),
            (
                "auth.ingestion.cache-ttl",
                self.auth.ingestion.cache_ttl.is_some(),
            ),
            (
                "auth.ingestion.cache-size",
                self.auth.ingestion.cache_size.is_some(),
            ),
        ];
        top.into_iter()
            .filter(|(_, set)| *set)
            .map(|(k, _)| k)
            .collect()
    }
}
