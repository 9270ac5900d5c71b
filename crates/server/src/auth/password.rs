//! Passwords: argon2id hashes (PHC strings, the crate's default cost: 19 MiB, 2 passes), and
//! the wire form of passwords, which the original's UI sends base64-encoded (Go `[]byte`
//! JSON fields, spec §2.10). Plain passwords never reach `Debug` output.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use serde::{Deserialize, Deserializer};

use super::random_bytes;

/// A password as received: raw bytes (normally UTF-8). Debug output is redacted.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Password(pub Vec<u8>);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// The bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether it is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// JSON: standard base64 with padding, as Go decodes `[]byte`; errors read like Go's.
impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .map(Password)
            .map_err(|e| {
                let at = match e {
                    base64::DecodeError::InvalidByte(at, _)
                    | base64::DecodeError::InvalidLastSymbol(at, _) => at,
                    _ => s.len(),
                };
                serde::de::Error::custom(format!("illegal base64 data at input byte {at}"))
            })
    }
}

/// Hashes `password` with argon2id and a fresh random salt. Slow on purpose (tens of
/// milliseconds): call it from a blocking task.
pub fn hash(password: &[u8]) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password, &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches `phc` (the comparison inside is constant-time). A malformed
/// stored hash never matches.
#[must_use]
pub fn verify(password: &[u8], phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password, &h).is_ok())
}

/// Spends the time of one verification against a hash nobody knows the password of, so
/// "no such user" takes as long as "wrong password" and names cannot be probed by timing.
pub fn verify_nobody(password: &[u8]) {
    static NOBODY: OnceLock<String> = OnceLock::new();
    let phc = NOBODY.get_or_init(|| hash(&random_bytes::<32>()).unwrap_or_default());
    let _ = verify(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password_and_are_salted() {
        let a = hash(b"hunter2").unwrap();
        let b = hash(b"hunter2").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "fresh salt per hash");
        assert!(verify(b"hunter2", &a));
        assert!(!verify(b"hunter3", &a));
        assert!(!verify(b"hunter2", "not a hash"));
    }

    #[test]
    fn wire_passwords_are_base64_and_errors_read_like_go() {
        let p: Password = serde_json::from_str(r#""YWRtaW4=""#).unwrap();
        assert_eq!(p.as_bytes(), b"admin");
        let e = serde_json::from_str::<Password>(r#""ad!min""#).unwrap_err();
        assert!(
            e.to_string()
                .contains("illegal base64 data at input byte 2"),
            "{e}"
        );
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    }
}
