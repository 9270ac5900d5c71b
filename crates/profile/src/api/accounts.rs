//! Users, API keys and the session as the HTTP API exchanges them (spec §2.9–2.11), and
//! the roles they carry (§5.2). Field names follow the original server.

use serde::{Deserialize, Serialize};

/// What an identity (user or API key) may do. There is no `Editor`. Role strings are
/// parsed case-insensitively on input and written with the original's capitalisation.
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
    /// Every role, least powerful first.
    pub const ALL: [Role; 3] = [Role::ReadOnly, Role::Agent, Role::Admin];

    /// `admin`, `Admin`, `ADMIN`, … → `Admin`; unknown strings → `None` ("unknown role").
    #[must_use]
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
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

    /// One line saying what the role allows, for the forms that pick one.
    #[must_use]
    pub fn explanation(self) -> &'static str {
        match self {
            Role::ReadOnly => {
                "ReadOnly: view apps and flamegraphs; cannot upload or change anything"
            }
            Role::Agent => {
                "Agent: upload profiles (what agents need); cannot manage users, keys or apps"
            }
            Role::Admin => "Admin: everything, including users, API keys and deleting apps",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user, as every user endpoint answers it. Times are RFC 3339 UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Dense id.
    pub id: u64,
    /// Login name.
    pub name: String,
    /// E-mail address, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// What the user may do.
    pub role: Role,
    /// Disabled users cannot sign in.
    #[serde(default)]
    pub is_disabled: bool,
    /// Created by an external identity provider (cannot change name or password).
    #[serde(default)]
    pub is_external: bool,
    /// Creation time.
    #[serde(default)]
    pub created_at: String,
    /// Last change.
    #[serde(default)]
    pub updated_at: String,
    /// Last password change.
    #[serde(default)]
    pub password_changed_at: String,
}

/// `POST /api/users` and `POST /signup`. `password` is base64 of the UTF-8 password (see
/// [`encode_password`]); `role` is ignored by `/signup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// Login name.
    #[serde(default)]
    pub name: String,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Base64 of the password.
    #[serde(default)]
    pub password: String,
    /// Role name (parsed case-insensitively).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// `PATCH /api/user`: the fields to change; absent ones stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePatch {
    /// New login name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

/// `PUT /api/user/password`: both base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    /// Base64 of the current password.
    pub old_password: String,
    /// Base64 of the new password.
    pub new_password: String,
}

/// `PUT /api/users/{id}/role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RoleChange {
    /// The new role.
    pub role: Role,
}

/// An API key on the wire; `key` (the secret) only in the answer to its creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Dense id.
    pub id: u64,
    /// Unique name.
    pub name: String,
    /// What the key may do.
    pub role: Role,
    /// The secret, `psx-…`: in the creation answer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Expiry, RFC 3339; absent for keys that never expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Creation time, RFC 3339.
    #[serde(default)]
    pub created_at: String,
}

/// `POST /api/keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NewApiKey {
    /// Unique name.
    #[serde(default)]
    pub name: String,
    /// Role name (parsed case-insensitively).
    #[serde(default)]
    pub role: String,
    /// Lifetime in seconds; absent or ≤ 0: never expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<i64>,
}

/// `GET /api/session` (Cinder's own, always open and always 200): what the app needs to
/// know before it shows anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Whether pages and data need a signed-in user (internal auth on).
    #[serde(default)]
    pub auth_required: bool,
    /// Whether `/signup` creates users.
    #[serde(default)]
    pub signup_enabled: bool,
    /// The signed-in user, if the request carried a valid session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The signed-in user is the initial admin and never changed its password.
    #[serde(default)]
    pub default_password: bool,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding of the UTF-8 password: how every password field travels
/// (the original's Go `[]byte` fields).
#[must_use]
pub fn encode_password(password: &str) -> String {
    encode_base64(password.as_bytes())
}

/// Standard base64 with padding.
#[must_use]
pub fn encode_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            let sextet = ((n >> (18 - 6 * i)) & 63) as usize;
            let c = if i <= chunk.len() {
                B64.get(sextet).copied().unwrap_or(b'=')
            } else {
                b'='
            };
            out.push(char::from(c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_case_insensitively_and_editor_is_unknown() {
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("READONLY"), Some(Role::ReadOnly));
        assert_eq!(Role::parse(" Agent "), Some(Role::Agent));
        assert_eq!(Role::parse("Editor"), None);
        assert_eq!(Role::parse(""), None);
        assert!(Role::Agent.may_ingest() && Role::Admin.may_ingest());
        assert!(!Role::ReadOnly.may_ingest());
    }

    #[test]
    fn passwords_are_standard_padded_base64() {
        // RFC 4648 test vectors, plus the UI's `btoa(unescape(encodeURIComponent("é")))`.
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("admin", "YWRtaW4="),
            ("é>?", "w6k+Pw=="),
        ];
        for (plain, b64) in cases {
            assert_eq!(encode_password(plain), b64, "{plain}");
        }
    }

    #[test]
    fn user_and_key_read_the_specs_examples() {
        let u: User = serde_json::from_str(
            r#"{"id":2,"name":"jdoe","email":"jdoe@example.com","fullName":"John Doe",
            "role":"ReadOnly","isDisabled":false,"isExternal":false,
            "createdAt":"2023-11-14T22:13:20Z","updatedAt":"2023-11-14T22:13:20Z",
            "passwordChangedAt":"2023-11-14T22:13:20Z"}"#,
        )
        .unwrap();
        assert_eq!(u.full_name.as_deref(), Some("John Doe"));
        assert_eq!(u.role, Role::ReadOnly);
        let k: ApiKey = serde_json::from_str(
            r#"{"id":1,"name":"ci-agent","role":"Agent","createdAt":"2023-11-14T22:13:20Z"}"#,
        )
        .unwrap();
        assert_eq!((k.key, k.expires_at), (None, None));
        let back = serde_json::to_string(&NewApiKey {
            name: "a".into(),
            role: "Agent".into(),
            ttl_seconds: Some(60),
        })
        .unwrap();
        assert_eq!(back, r#"{"name":"a","role":"Agent","ttlSeconds":60}"#);
    }
}
