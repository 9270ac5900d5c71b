//! Roles (spec §5.2): `ReadOnly`, `Agent`, `Admin`. There is no `Editor`. Role strings are
//! parsed case-insensitively on input and written with the original's capitalisation.

use serde::{Deserialize, Serialize};

/// What an identity (user or API key) may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Read data and the UI, create annotations.
    ReadOnly,
    /// Everything `ReadOnly` may, plus ingestion.
    Agent,
    /// Everything, including users, API keys and deleting apps.
    Admin,
}

impl Role {
    /// `admin`, `Admin`, `ADMIN`, … → `Admin`; unknown strings → `None` ("unknown role").
    #[must_use]
    pub fn parse(s: &str) -> Option<Role> {
        [Role::ReadOnly, Role::Agent, Role::Admin]
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ReadOnly => "ReadOnly",
            Role::Agent => "Agent",
            Role::Admin => "Admin",
        }
    }

    /// Whether this role may upload profiles when ingestion auth is on.
    #[must_use]
    pub fn may_ingest(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_case_insensitively_and_editor_is_unknown() {
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("READONLY"), Some(Role::ReadOnly));
        assert_eq!(Role::parse("Agent"), Some(Role::Agent));
        assert_eq!(Role::parse("Editor"), None);
        assert_eq!(Role::parse(""), None);
    }

    #[test]
    fn only_agents_and_admins_ingest() {
        assert!(Role::Agent.may_ingest() && Role::Admin.may_ingest());
        assert!(!Role::ReadOnly.may_ingest());
    }
}
