//! THE table of options: every setting that a flag, an env var and the file share, with
//! its dotted name (the file's key path and the flag: `auth.internal.enabled` is
//! `--auth.internal.enabled` and `auth: {internal: {enabled}}`), its default, its help
//! text, its kind, and how a layer's text is stored into [`FileConfig`]. The env var name is
//! derived from the dotted name (spec §1.1): `PYROSCOPE_` (`CINDER_` for Cinder's own
//! options) + the name upper-cased with `.` and `-` turned into `_`.
//!
//! Only `scrape-configs` (a list of jobs) is file-only; it has no row here.

use super::file::FileConfig;
use super::values::FromLayer;

/// Whose option this is: the env var prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// An option of the original Pyroscope server (`PYROSCOPE_…`).
    Pyroscope,
    /// Cinder's own option (`CINDER_…`).
    Cinder,
}

/// How the flag is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A boolean: `--x` (true), `--x=true`, `--x=false`.
    Switch,
    /// `--x VALUE`; the value's name in `--help`.
    Value(&'static str),
    /// As [`Kind::Value`], left out of `--help` (for tests).
    Hidden(&'static str),
}

/// One option.
#[derive(Debug)]
pub struct Opt {
    /// Dotted name: the flag, and the key path in the file.
    pub key: &'static str,
    /// Env var prefix.
    pub origin: Origin,
    /// The default, parsed like any other layer's text; `None`: unset.
    pub default: Option<&'static str>,
    /// How the flag is written.
    pub kind: Kind,
    /// What `--help` says.
    pub help: &'static str,
    /// Stores a layer's text into the merged configuration.
    pub set: fn(&mut FileConfig, &str) -> Result<(), String>,
    /// Whether some layer has set it.
    pub is_set: fn(&FileConfig) -> bool,
}

impl Opt {
    /// The env var: `PYROSCOPE_AUTH_INTERNAL_ENABLED` for `auth.internal.enabled`.
    #[must_use]
    pub fn env_name(&self) -> String {
        let prefix = match self.origin {
            Origin::Pyroscope => "PYROSCOPE_",
            Origin::Cinder => "CINDER_",
        };
        let name: String = self
            .key
            .chars()
            .map(|c| match c {
                '.' | '-' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        format!("{prefix}{name}")
    }

    /// Older env var names still read (after the derived name).
    #[must_use]
    pub fn legacy_env(&self) -> Option<&'static str> {
        LEGACY_ENV
            .iter()
            .find(|(k, _)| *k == self.key)
            .map(|(_, e)| *e)
    }
}

/// Env vars from before the option table, kept working.
const LEGACY_ENV: &[(&str, &str)] = &[("no-self-profiling", "CINDER_NO_SELF_PROFILING")];

/// The env var that names the config file.
pub const CONFIG_ENV: &str = "PYROSCOPE_CONFIG";

/// The file read when none is named, only if it exists (as the original does).
pub const DEFAULT_CONFIG_FILE: &str = "/etc/pyroscope/server.yml";

/// The option named `key`.
#[must_use]
pub fn find(key: &str) -> Option<&'static Opt> {
    OPTIONS.iter().find(|o| o.key == key)
}

fn set<T: FromLayer>(slot: &mut Option<T>, s: &str) -> Result<(), String> {
    *slot = Some(T::from_layer(s)?);
    Ok(())
}

macro_rules! opt {
    ($key:literal, $origin:ident, $default:expr, $kind:expr, $help:literal, $($field:ident).+) => {
        Opt {
            key: $key,
            origin: Origin::$origin,
            default: $default,
            kind: $kind,
            help: $help,
            set: |c, s| set(&mut c.$($field).+, s),
            is_set: |c| c.$($field).+.is_some(),
        }
    };
}

use Kind::{Hidden, Switch, Value};

/// Every option, in `--help` order.
pub static OPTIONS: &[Opt] = &[
    opt!("api-bind-addr", Pyroscope, Some(":4040"), Value("ADDR"),
        "Address to listen on: `:PORT` (all interfaces), `HOST:PORT` or `IP:PORT`.",
        api_bind_addr),
    opt!("storage-path", Pyroscope, Some("./data"), Value("DIR"),
        "Directory where profiles, users and keys are stored (created if missing).",
        storage_path),
    opt!("ui-dir", Cinder, None, Value("DIR"),
        "Serve the web app from this directory (a Trunk `dist/`) instead of the copy embedded in the binary.",
        ui_dir),
    opt!("log-level", Pyroscope, Some("info"), Value("FILTER"),
        "Log level (error, warn, info, debug, trace) or a `tracing` filter such as `cinder_server=debug,info`.",
        log_level),
    opt!("log-format", Pyroscope, Some("text"), Value("FORMAT"),
        "Log line format: `text`, or `json` (one JSON object per line).",
        log_format),
    opt!("max-nodes-render", Pyroscope, Some("8192"), Value("N"),
        "Node budget of /render when the request names none (-1: unlimited).",
        max_nodes_render),
    opt!("retention", Pyroscope, Some("0"), Value("DURATION"),
        "How long to keep data, e.g. 30d or 1y; 0 keeps it forever. Older uploads are refused and older data deleted.",
        retention),
    opt!("retention-levels", Pyroscope, None, Value("LEVEL=DURATION,..."),
        "How long each level of the time index is kept (0: 10 s blocks, each next level 10x coarser), e.g. 0=7d,1=30d; in the file a map {0: 7d, 1: 30d}.",
        retention_levels),
    opt!("retention-max-size", Cinder, Some("0"), Value("BYTES"),
        "Cinder's own: delete the oldest data while the store is larger than this, e.g. 10GB or 512MiB; 0: no limit.",
        retention_max_size),
    opt!("max-ingest-body", Cinder, Some("32MiB"), Value("BYTES"),
        "Largest accepted upload body (413 above).",
        max_ingest_body),
    opt!("max-decompressed", Cinder, Some("32MiB"), Value("BYTES"),
        "Largest size an upload may decompress to, all its gzip streams together (413 above; stops gzip bombs).",
        max_decompressed),
    opt!("max-ingest-in-flight", Cinder, Some("128MiB"), Value("BYTES"),
        "Bytes all uploads in flight may hold together; an upload that would exceed it waits up to 1 s, then gets 503 with Retry-After.",
        max_ingest_in_flight),
    opt!("no-self-profiling", Pyroscope, Some("false"), Switch,
        "Do not profile the server itself (by default its CPU profile is stored as the app `cinder.server.cpu`).",
        no_self_profiling),
    opt!("self-profiling-period", Cinder, Some("10s"), Hidden("DURATION"),
        "Length of each self-profile (whole seconds). Shorter periods are for tests.",
        self_profiling_period),
    opt!("auth.internal.enabled", Pyroscope, Some("false"), Switch,
        "Login/password authentication: the web app and every data route then need a session or an API key, and /api/user, /api/users and /api/keys are served.",
        auth.internal.enabled),
    opt!("auth.internal.signup-enabled", Pyroscope, Some("false"), Switch,
        "Let anyone create an account on /signup (with --auth.signup-default-role).",
        auth.internal.signup_enabled),
    opt!("auth.internal.admin.create", Pyroscope, Some("true"), Switch,
        "Create the initial admin user on the store's first start (never again). Change its password after the first login.",
        auth.internal.admin.create),
    opt!("auth.internal.admin.name", Pyroscope, Some("admin"), Value("NAME"),
        "Name of the initial admin user.",
        auth.internal.admin.name),
    opt!("auth.internal.admin.email", Pyroscope, Some("admin@localhost.local"), Value("EMAIL"),
        "E-mail address of the initial admin user.",
        auth.internal.admin.email),
    opt!("auth.internal.admin.password", Pyroscope, Some("admin"), Value("PASSWORD"),
        "Password of the initial admin user (redacted in `cinder config print` and /config).",
        auth.internal.admin.password),
    opt!("auth.ingestion.enabled", Pyroscope, Some("false"), Switch,
        "Uploads (/ingest, /push.v1.PusherService/Push) need an API key of role Agent or Admin (Authorization: Bearer psx-…, or Basic with the key as password), and deleting an app needs role Admin.",
        auth.ingestion.enabled),
    opt!("auth.signup-default-role", Pyroscope, Some("ReadOnly"), Value("ROLE"),
        "Role of users who sign up: ReadOnly, Agent or Admin.",
        auth.signup_default_role),
    opt!("auth.jwt-secret", Pyroscope, None, Value("SECRET"),
        "Key that signs session cookies (HS256). When unset, a random one is generated on first start and kept in the store. Redacted when shown.",
        auth.jwt_secret),
    opt!("auth.login-maximum-lifetime-days", Pyroscope, Some("0"), Value("DAYS"),
        "Sessions expire this many days after login; 0: they last until logout, a password, role or disabled change, or the end of the browser session.",
        auth.login_maximum_lifetime_days),
    opt!("auth.cookie-same-site", Pyroscope, Some("Lax"), Value("VALUE"),
        "SameSite attribute of the session cookie: Lax, Strict or None (None implies Secure).",
        auth.cookie_same_site),
    opt!("auth.cookie-secure", Pyroscope, Some("false"), Switch,
        "Mark the session cookie Secure (https only). It is also Secure when a proxy reports https (X-Forwarded-Proto).",
        auth.cookie_secure),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_follow_the_originals_rule() {
        let env = |k: &str| find(k).unwrap().env_name();
        assert_eq!(
            env("auth.internal.enabled"),
            "PYROSCOPE_AUTH_INTERNAL_ENABLED"
        );
        assert_eq!(
            env("auth.internal.signup-enabled"),
            "PYROSCOPE_AUTH_INTERNAL_SIGNUP_ENABLED"
        );
        assert_eq!(env("max-nodes-render"), "PYROSCOPE_MAX_NODES_RENDER");
        assert_eq!(env("max-ingest-body"), "CINDER_MAX_INGEST_BODY");
    }

    #[test]
    fn every_default_parses_and_every_key_is_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for o in OPTIONS {
            assert!(seen.insert(o.key), "{} twice", o.key);
            let mut c = FileConfig::default();
            assert!(!(o.is_set)(&c), "{}", o.key);
            if let Some(d) = o.default {
                (o.set)(&mut c, d).unwrap_or_else(|e| panic!("default of {}: {e}", o.key));
                assert!((o.is_set)(&c), "{}", o.key);
            }
        }
    }
}
