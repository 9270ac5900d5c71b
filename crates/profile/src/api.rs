//! JSON shapes and parameters of Cinder's HTTP API (`/build`, `/api/apps`, `format=`) that
//! both the server (producer) and the web app (consumer) use, defined once so the two
//! cannot drift apart. Field names follow the original Pyroscope server where it has the
//! same endpoint.

use serde::{Deserialize, Serialize};

mod accounts;
mod apps;
mod targets;

pub use accounts::{
    encode_base64, encode_password, ApiKey, NewApiKey, NewUser, PasswordChange, ProfilePatch, Role,
    RoleChange, Session, User,
};
pub use apps::AppInfo;
pub use targets::{ScrapeTarget, TargetHealth};

/// The body of `GET /build`: which binary is answering.
///
/// The original server's `/build` carries Go-specific fields (`goos`, `goVersion`, …); we
/// keep its `version`, `gitSHA`, `gitDirty` and `time` names and add nothing the UI would
/// misread. Unknown fields are ignored when decoding, so the app also reads the original's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BuildInfo {
    /// Semantic version of the server, e.g. `0.1.0`.
    pub version: String,
    /// Git commit the binary was built from (`unknown` outside a checkout).
    #[serde(rename = "gitSHA", default)]
    pub git_sha: String,
    /// Whether the work tree had uncommitted changes at build time.
    #[serde(rename = "gitDirty", default, deserialize_with = "bool_or_number")]
    pub git_dirty: bool,
    /// Build time, RFC 3339 UTC.
    #[serde(default)]
    pub time: String,
}

/// The original server sends `gitDirty` as a number (0/1); ours sends a bool. Accept both.
fn bool_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Number(i64),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Number(n) => n != 0,
    })
}

impl BuildInfo {
    /// A short human label such as `v0.1.0 (3f2a9c1)`, for the app's footer.
    #[must_use]
    pub fn label(&self) -> String {
        let short: String = self.git_sha.chars().take(7).collect();
        match (short.is_empty(), self.git_dirty) {
            (true, _) => format!("v{}", self.version),
            (false, false) => format!("v{} ({short})", self.version),
            (false, true) => format!("v{} ({short}, dirty)", self.version),
        }
    }
}

/// The formats a profile is rendered or exported in: `GET /render?format=` and the app's
/// export menu. Parsed once from the parameter; everything after matches on the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileFormat {
    /// Flamebearer JSON (what `/render` answers by default).
    Json,
    /// Collapsed (folded) text: `a;b;c 12` per line.
    Collapsed,
    /// An uncompressed pprof protobuf.
    Pprof,
}

impl ProfileFormat {
    /// Every format, in menu order.
    pub const ALL: [ProfileFormat; 3] = [
        ProfileFormat::Json,
        ProfileFormat::Collapsed,
        ProfileFormat::Pprof,
    ];

    /// The format named by a `format` parameter; an empty one means JSON, as in the
    /// original. `None` for anything else.
    #[must_use]
    pub fn parse(param: &str) -> Option<ProfileFormat> {
        match param {
            "" | "json" => Some(ProfileFormat::Json),
            "collapsed" => Some(ProfileFormat::Collapsed),
            "pprof" => Some(ProfileFormat::Pprof),
            _ => None,
        }
    }

    /// The parameter value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileFormat::Json => "json",
            ProfileFormat::Collapsed => "collapsed",
            ProfileFormat::Pprof => "pprof",
        }
    }

    /// The file name extension of a download in this format (without the dot).
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            ProfileFormat::Json => "json",
            ProfileFormat::Collapsed => "collapsed.txt",
            ProfileFormat::Pprof => "pprof",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_formats_parse_what_they_print() {
        for f in ProfileFormat::ALL {
            assert_eq!(ProfileFormat::parse(f.as_str()), Some(f));
        }
        assert_eq!(ProfileFormat::parse(""), Some(ProfileFormat::Json));
        assert_eq!(ProfileFormat::parse("PPROF"), None);
        assert_eq!(ProfileFormat::parse("png"), None);
        assert_eq!(ProfileFormat::Collapsed.extension(), "collapsed.txt");
    }

    #[test]
    fn build_info_reads_the_original_servers_shape() {
        let json = r#"{"goos":"linux","goarch":"amd64","goVersion":"go1.19","version":"0.37.2",
            "id":"oss","time":"2023-01-01T00:00:00Z","gitSHA":"abcdef0123","gitDirty":0,
            "useEmbeddedAssets":"true","phpspyGitSHA":""}"#;
        let original: BuildInfo = serde_json::from_str(json).unwrap();
        assert_eq!(original.label(), "v0.37.2 (abcdef0)");
        let dirty: BuildInfo = serde_json::from_str(r#"{"version":"1","gitDirty":1}"#).unwrap();
        assert!(dirty.git_dirty);
        let ours = BuildInfo {
            version: "0.1.0".into(),
            git_sha: "abcdef0123".into(),
            git_dirty: false,
            time: "2026-01-01T00:00:00Z".into(),
        };
        let back: BuildInfo = serde_json::from_str(&serde_json::to_string(&ours).unwrap()).unwrap();
        assert_eq!(back, ours);
        assert_eq!(ours.label(), "v0.1.0 (abcdef0)");
    }
}
