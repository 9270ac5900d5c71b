//! JSON shapes of Cinder's HTTP API that both the server (producer) and the web app
//! (consumer) use, defined once so the two cannot drift apart. Field names follow the
//! original Pyroscope server where it has the same endpoint.

use serde::{Deserialize, Serialize};

mod accounts;
mod apps;

pub use accounts::{
    encode_base64, encode_password, ApiKey, NewApiKey, NewUser, PasswordChange, ProfilePatch, Role,
    RoleChange, Session, User,
};
pub use apps::AppInfo;

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

#[cfg(test)]
mod tests {
    use super::*;

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
