//! API keys (spec §5.5): `psx-` + unpadded URL-safe base64 of (uvarint key id ‖ 32 secret
//! bytes from the OS CSPRNG). The store keeps only SHA-256 of the secret: the secret is
//! 256 random bits, so a slow password hash would add nothing but CPU on every upload, and
//! without a slow hash there is no need for the original's lookup cache, so an expired or
//! deleted key is refused on its very next request.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{random_bytes, Role};
use crate::store::{ApiKeyRecord, Store, StoreError};

/// Every key starts with this.
pub const PREFIX: &str = "psx-";
const SECRET_LEN: usize = 32;

/// A key as written by [`encode`].
#[derive(PartialEq, Eq)]
struct Parsed {
    id: u64,
    secret: [u8; SECRET_LEN],
}

fn encode(id: u64, secret: &[u8; SECRET_LEN]) -> String {
    let mut raw = Vec::with_capacity(10 + SECRET_LEN);
    let mut v = id;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            raw.push(byte);
            break;
        }
        raw.push(byte | 0x80);
    }
    raw.extend_from_slice(secret);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(raw))
}

fn parse(key: &str) -> Option<Parsed> {
    let raw = URL_SAFE_NO_PAD.decode(key.strip_prefix(PREFIX)?).ok()?;
    let mut id = 0u64;
    let mut used = 0;
    for (i, byte) in raw.iter().enumerate().take(10) {
        id |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            used = i + 1;
            break;
        }
    }
    let secret = raw.get(used..).filter(|_| used > 0)?.try_into().ok()?;
    Some(Parsed { id, secret })
}

fn digest(secret: &[u8]) -> String {
    Sha256::digest(secret)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new key: its record and the secret string, which is shown once and never stored.
pub struct Issued {
    /// What is stored.
    pub record: ApiKeyRecord,
    /// The `psx-…` key.
    pub key: String,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

/// Creates a key called `name`; `ttl_seconds` ≤ 0 or `None` never expires. `None` when the
/// name is taken.
pub fn create(
    store: &Store,
    name: &str,
    role: Role,
    ttl_seconds: Option<i64>,
    now: i64,
) -> Result<Option<Issued>, StoreError> {
    let secret = random_bytes::<SECRET_LEN>();
    let record = ApiKeyRecord {
        id: 0,
        name: name.to_string(),
        role,
        secret_sha256: digest(&secret),
        created_at: now,
        expires_at: ttl_seconds
            .filter(|t| *t > 0)
            .map(|t| now.saturating_add(t)),
    };
    Ok(store.insert_api_key(record)?.map(|record| Issued {
        key: encode(record.id, &secret),
        record,
    }))
}

/// The record of `key` if it is well-formed, exists, has not expired at `now` and its
/// secret matches (compared in constant time).
pub fn authenticate(
    store: &Store,
    key: &str,
    now: i64,
) -> Result<Option<ApiKeyRecord>, StoreError> {
    let Some(parsed) = parse(key) else {
        return Ok(None);
    };
    let Some(record) = store.api_key(parsed.id)? else {
        return Ok(None);
    };
    let fresh = record.expires_at.is_none_or(|exp| now < exp);
    let matches: bool = digest(&parsed.secret)
        .as_bytes()
        .ct_eq(record.secret_sha256.as_bytes())
        .into();
    Ok((fresh && matches).then_some(record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_with_small_and_large_ids() {
        for id in [1, 127, 128, 300, u64::MAX] {
            let secret = random_bytes::<SECRET_LEN>();
            let k = encode(id, &secret);
            assert!(k.starts_with("psx-"), "{k}");
            assert!(parse(&k) == Some(Parsed { id, secret }), "{id}");
        }
        assert_eq!(encode(1, &[0; 32]).len(), 4 + 44);
    }

    #[test]
    fn malformed_keys_do_not_parse() {
        let good = encode(5, &[7; 32]);
        assert!(parse(&good[..good.len() - 2]).is_none(), "short secret");
        assert!(parse(&good.replacen("psx-", "psy-", 1)).is_none());
        assert!(parse("psx-").is_none());
        assert!(parse("psx-!!!").is_none());
        let long = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode([0x80u8; 44]));
        assert!(parse(&long).is_none(), "unterminated varint");
    }
}
