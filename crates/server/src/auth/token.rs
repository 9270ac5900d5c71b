//! Session tokens: compact HS256 JWTs (spec §5.4), signed and checked here with HMAC-SHA256
//! (no JWT library: one algorithm, fixed header, so there is no `alg: none` or algorithm
//! confusion to get wrong). Claims are the original's `name`, `role`, `iat` and optional
//! `exp`, plus `uid` and `epoch`, which tie the token to one user record and one session
//! generation of it (see [`crate::store::UserRecord::session_epoch`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::Role;

/// The only header this server writes or accepts.
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Tolerated clock difference for `iat` in the future, in seconds.
const SKEW: i64 = 60;

/// What a session token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// User name at issue time (informational; `uid` is what is looked up).
    pub name: String,
    /// Role at issue time; a token whose role differs from the user's current role is refused.
    pub role: Role,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expiry (unix seconds), when a maximum login lifetime is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// User id.
    pub uid: u64,
    /// The user's session generation at issue time.
    pub epoch: u64,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

/// Signs `claims` with `key`.
#[must_use]
pub fn sign(claims: &Claims, key: &[u8]) -> String {
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut m = mac(key);
    m.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

/// The claims of `token` if its signature is valid (checked in constant time), its header
/// says HS256, it has not expired at `now` and was not issued in the future.
#[must_use]
pub fn verify(token: &str, key: &[u8], now: i64) -> Option<Claims> {
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let sig = URL_SAFE_NO_PAD.decode(s).ok()?;
    let mut m = mac(key);
    m.update(h.as_bytes());
    m.update(b".");
    m.update(p.as_bytes());
    m.verify_slice(&sig).ok()?;
    let header: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
    if header.alg != "HS256" {
        return None;
    }
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()?;
    let live = claims.exp.is_none_or(|exp| now < exp) && claims.iat <= now + SKEW;
    live.then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: Option<i64>) -> Claims {
        Claims {
            name: "admin".into(),
            role: Role::Admin,
            iat: 1_000,
            exp,
            uid: 1,
            epoch: 0,
        }
    }

    #[test]
    fn a_signed_token_verifies_with_its_key_only() {
        let t = sign(&claims(None), b"k1");
        assert_eq!(verify(&t, b"k1", 2_000), Some(claims(None)));
        assert_eq!(verify(&t, b"k2", 2_000), None);
    }

    #[test]
    fn expired_future_and_tampered_tokens_are_refused() {
        let t = sign(&claims(Some(1_500)), b"k");
        assert!(verify(&t, b"k", 1_499).is_some());
        assert!(verify(&t, b"k", 1_500).is_none());
        assert!(verify(&sign(&claims(None), b"k"), b"k", 900).is_none());
        let (head, rest) = t.split_once('.').unwrap();
        let (_, sig) = rest.split_once('.').unwrap();
        let forged =
            URL_SAFE_NO_PAD.encode(r#"{"name":"x","role":"Admin","iat":1,"uid":1,"epoch":0}"#);
        assert!(verify(&format!("{head}.{forged}.{sig}"), b"k", 1_000).is_none());
        assert!(verify("a.b", b"k", 1_000).is_none());
    }

    #[test]
    fn alg_none_is_refused() {
        let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(None)).unwrap());
        assert!(verify(&format!("{none}.{body}."), b"k", 1_000).is_none());
    }
}
