//! Whether the server answers, and which build it is. Drives the footer's version and the
//! error banner shown when the server cannot be reached.

use cinder_profile::api::BuildInfo;

/// What the app knows about the server it talks to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ServerStatus {
    /// No answer yet.
    #[default]
    Connecting,
    /// `/build` answered.
    Connected(BuildInfo),
    /// The server answers but wants a login first (authentication is on).
    NeedsLogin,
    /// The last attempt failed; the message says how.
    Unreachable(String),
}

impl ServerStatus {
    /// The footer's text: product name plus the server's version once known.
    #[must_use]
    pub fn footer_label(&self) -> String {
        match self {
            ServerStatus::Connected(info) => format!("Cinder {}", info.label()),
            ServerStatus::Connecting | ServerStatus::NeedsLogin | ServerStatus::Unreachable(_) => {
                "Cinder".to_string()
            }
        }
    }

    /// The error banner's text, when one should be shown.
    #[must_use]
    pub fn banner(&self) -> Option<String> {
        match self {
            ServerStatus::Unreachable(why) => Some(format!(
                "Cannot reach the Cinder server ({why}). Retrying automatically."
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footer_shows_the_version_only_when_connected() {
        let info = BuildInfo {
            version: "1.2.3".into(),
            git_sha: "0123456789".into(),
            ..Default::default()
        };
        assert_eq!(
            ServerStatus::Connected(info).footer_label(),
            "Cinder v1.2.3 (0123456)"
        );
        assert_eq!(ServerStatus::Connecting.footer_label(), "Cinder");
    }

    #[test]
    fn banner_only_when_unreachable() {
        assert_eq!(ServerStatus::Connecting.banner(), None);
        assert_eq!(
            ServerStatus::NeedsLogin.banner(),
            None,
            "a login page is not an outage"
        );
        let b = ServerStatus::Unreachable("HTTP 502".into())
            .banner()
            .unwrap();
        assert!(b.contains("HTTP 502"), "{b}");
    }
}
