//! Every keyspace of the store and the exact byte layout of its keys and values, in one
//! place (see `docs/storage.md`). Nothing outside `store/` sees these encodings.

use serde::{Deserialize, Serialize};

use super::segments::Block;
use crate::base::Role;

/// Version of the on-disk layout, stored under [`META_FORMAT_VERSION`] in `meta`.
/// 2: [`SlotCounts::writes`] is in units of [`WRITE_UNIT`] (version 1 counted whole
/// writes). 3: trees are values at the indexes of per-series node dictionaries ([`NODES`]),
/// coarse blocks may be open ([`OPEN_BLOCKS`]). [`super::Store::open`] migrates 1 and 2.
pub const FORMAT_VERSION: u32 = 3;

/// One whole write in [`SlotCounts::writes`]: an upload split over several blocks gives
/// each block its share of one write, in millionths, so averages do not depend on how an
/// upload falls on the 10 s grid.
pub const WRITE_UNIT: u64 = 1_000_000;

/// Keyspace of store-wide values (format version, id counter).
pub const META: &str = "meta";
/// Keyspace `series`: normalised series key (`app{k=v,…}`, UTF-8) → [`SeriesRecord`] JSON.
/// Keys of one app share the prefix `app{`, so listing an app's series is a prefix scan.
pub const SERIES: &str = "series";
/// Keyspace `apps`: application name → [`AppRecord`] JSON.
pub const APPS: &str = "apps";
/// Keyspace `trees`: [`slot_key`] → the block's tree as values at the indexes of its
/// series' node dictionary ([`cinder_profile::dict::SparseTree`]).
pub const TREES: &str = "trees";
/// Keyspace `open_blocks`: [`open_key`] → start of the series' open block of that level
/// (u64 BE), whose latest additions are only in memory (see `store/coarse.rs`).
pub const OPEN_BLOCKS: &str = "open_blocks";
/// Keyspace `sealed`: [`open_key`] → start of the series' open block of that level (u64
/// BE) when retention deleted some of its children: its stored value then holds what
/// they held, and a rebuild after a crash adds the children left to it.
pub const SEALED: &str = "sealed";
/// Keyspace `nodes`: [`node_key`] → a chunk of a series' node dictionary: the entries
/// from the key's index on ([`cinder_profile::dict::NodeDict::entries_bytes`]).
pub const NODES: &str = "nodes";
/// Keyspace `counts`: [`slot_key`] → [`SlotCounts`] (16 bytes), read alone by timelines.
pub const COUNTS: &str = "counts";
/// Keyspace `users`: [`id_key`] (user id, u64 BE) → [`UserRecord`] JSON.
pub const USERS: &str = "users";
/// Keyspace `users_by_name`: user name (UTF-8, exact case) → user id (u64 BE). Unique names.
pub const USERS_BY_NAME: &str = "users_by_name";
/// Keyspace `api_keys`: [`id_key`] (key id, u64 BE) → [`ApiKeyRecord`] JSON.
pub const API_KEYS: &str = "api_keys";
/// Keyspace `secrets`: secret name (UTF-8) → raw bytes. Only [`SECRET_JWT`] so far.
pub const SECRETS: &str = "secrets";

/// `meta` key of the layout version (u32 LE).
pub const META_FORMAT_VERSION: &[u8] = b"format_version";
/// `meta` key of the next series id to hand out (u64 LE).
pub const META_NEXT_SERIES_ID: &[u8] = b"next_series_id";
/// `meta` key of the next user id to hand out (u64 LE); ids are never reused.
pub const META_NEXT_USER_ID: &[u8] = b"next_user_id";
/// `meta` key of the next API key id to hand out (u64 LE); ids are never reused.
pub const META_NEXT_API_KEY_ID: &[u8] = b"next_api_key_id";
/// `meta` key present (value `[1]`) once the initial users were created, so a deleted
/// default admin is never re-created.
pub const META_USERS_INITIALIZED: &[u8] = b"users_initialized";
/// `secrets` key of the HS256 key that signs session tokens (32 random bytes).
pub const SECRET_JWT: &str = "jwt";

/// How a series' trees combine over time: the profile model's own type, stored by name
/// (`"sum"`, `"average"`).
pub use cinder_profile::pprof::Aggregation;

/// What is known about a series besides its data; the last write wins per field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SeriesMeta {
    /// Profiler name (`pyspy`, `nodespy`, …).
    pub spy_name: String,
    /// Samples per second; 0 when not sampled.
    pub sample_rate: u32,
    /// Unit of a tick (`samples`, `bytes`, …).
    pub units: String,
    /// Sum or average.
    pub aggregation: Aggregation,
}

impl SeriesMeta {
    /// Overwrites the fields that `newer` sets (empty strings and 0 do not overwrite).
    pub fn update_from(&mut self, newer: &SeriesMeta) {
        if !newer.spy_name.is_empty() {
            self.spy_name.clone_from(&newer.spy_name);
        }
        if newer.sample_rate != 0 {
            self.sample_rate = newer.sample_rate;
        }
        if !newer.units.is_empty() {
            self.units.clone_from(&newer.units);
        }
        self.aggregation = newer.aggregation;
    }
}

/// Value of the `series` keyspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesRecord {
    /// Dense id used in slot keys.
    pub id: u64,
    /// Application name.
    pub app: String,
    /// Labels (without `__name__`).
    pub labels: std::collections::BTreeMap<String, String>,
    /// Metadata.
    pub meta: SeriesMeta,
}

/// Value of the `apps` keyspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRecord {
    /// Creation order, for listing apps in insertion order.
    pub seq: u64,
    /// Metadata of the app's latest write.
    pub meta: SeriesMeta,
}

/// Samples and write count of one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotCounts {
    /// Sum of tree totals written into the slot.
    pub samples: u64,
    /// Writes that contributed to the slot, in [`WRITE_UNIT`]s: each write adds the share
    /// of its time window that falls in the slot (the divisor of averaged types).
    pub writes: u64,
}

impl SlotCounts {
    /// `samples` then `writes`, both u64 little-endian.
    #[must_use]
    pub fn encode(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.samples.to_le_bytes());
        out[8..].copy_from_slice(&self.writes.to_le_bytes());
        out
    }

    /// Decodes [`SlotCounts::encode`]'s output; anything else reads as zero.
    #[must_use]
    pub fn decode(bytes: &[u8]) -> SlotCounts {
        let word = |r: std::ops::Range<usize>| {
            bytes
                .get(r)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u64::from_le_bytes)
        };
        SlotCounts {
            samples: word(0..8),
            writes: word(8..16),
        }
    }

    /// Adds another slot's counts.
    pub fn add(&mut self, other: SlotCounts) {
        self.samples = self.samples.saturating_add(other.samples);
        self.writes = self.writes.saturating_add(other.writes);
    }
}

/// Value of the `users` keyspace. Times are unix seconds.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRecord {
    /// Dense id, never reused.
    pub id: u64,
    /// Login name, unique.
    pub name: String,
    /// E-mail address, unique when set.
    pub email: Option<String>,
    /// Display name.
    pub full_name: Option<String>,
    /// Argon2id hash in PHC string form (`$argon2id$v=19$…`).
    pub password_hash: String,
    /// What the user may do.
    pub role: Role,
    /// Disabled users cannot log in and their sessions are refused.
    pub is_disabled: bool,
    /// Created by an external identity provider (never, so far; kept for the wire shape).
    pub is_external: bool,
    /// Creation time.
    pub created_at: i64,
    /// Last change of any field.
    pub updated_at: i64,
    /// Last password change.
    pub password_changed_at: i64,
    /// Session generation: sessions carry the value they were issued under, and any change
    /// of role, password or the disabled flag bumps it, which invalidates older sessions.
    pub session_epoch: u64,
}

/// The hash stays out of debug output (and so out of logs).
impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("is_disabled", &self.is_disabled)
            .field("session_epoch", &self.session_epoch)
            .finish_non_exhaustive()
    }
}

/// Value of the `api_keys` keyspace. Only a digest of the secret is stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyRecord {
    /// Dense id, never reused; also encoded in the key itself.
    pub id: u64,
    /// Unique name.
    pub name: String,
    /// What the key may do.
    pub role: Role,
    /// SHA-256 of the key's 32 random secret bytes, lowercase hex.
    pub secret_sha256: String,
    /// Creation time (unix seconds).
    pub created_at: i64,
    /// Expiry (unix seconds); `None` never expires.
    pub expires_at: Option<i64>,
}

/// The digest stays out of debug output (and so out of logs).
impl std::fmt::Debug for ApiKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Key of a user or API key record: the id, big-endian, so records list in id order.
#[must_use]
pub fn id_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

/// Key of a slot in `trees` and `counts`: series id (u64 BE), level (u8), block start
/// (unix seconds, u64 BE). Big-endian, so one series' slots of one level sort by time and
/// a time range is a key range.
#[must_use]
pub fn slot_key(series: u64, block: Block) -> [u8; 17] {
    let mut k = [0u8; 17];
    k[..8].copy_from_slice(&series.to_be_bytes());
    k[8] = block.level;
    k[9..].copy_from_slice(&block.start_u64().to_be_bytes());
    k
}

/// Added to the level of a slot key for the direct copy of a long write's coarse block
/// (what rebuilding that block after a crash needs besides its children).
pub const DIRECT: u8 = 0x10;

/// The slot key of the direct copy of coarse block `block`.
#[must_use]
pub fn direct_key(series: u64, block: Block) -> [u8; 17] {
    let mut k = slot_key(series, block);
    k[8] |= DIRECT;
    k
}

/// Key of a series' open block marker: series id (u64 BE), level (u8).
#[must_use]
pub fn open_key(series: u64, level: u8) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[..8].copy_from_slice(&series.to_be_bytes());
    k[8] = level;
    k
}

/// Key of a chunk of a series' node dictionary: series id (u64 BE), index of the chunk's
/// first entry (u32 BE), so a prefix scan reads the chunks in order.
#[must_use]
pub fn node_key(series: u64, first: usize) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&series.to_be_bytes());
    k[8..].copy_from_slice(&u32::try_from(first).unwrap_or(u32::MAX).to_be_bytes());
    k
}

/// The series id of a slot key (or of a node key).
#[must_use]
pub fn key_series(key: &[u8]) -> u64 {
    key.get(..8)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u64::from_be_bytes)
}

/// The block start stored in a slot key.
#[must_use]
pub fn slot_key_start(key: &[u8]) -> Option<i64> {
    let b: [u8; 8] = key.get(9..17)?.try_into().ok()?;
    i64::try_from(u64::from_be_bytes(b)).ok()
}

/// Prefix of every slot key of `series`.
#[must_use]
pub fn series_prefix(series: u64) -> [u8; 8] {
    series.to_be_bytes()
}

/// Prefix of the `series` keyspace for one app: `app{`.
#[must_use]
pub fn app_series_prefix(app: &str) -> String {
    format!("{app}{{")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_keys_sort_by_series_then_level_then_time() {
        let a = slot_key(
            1,
            Block {
                level: 0,
                start: 100,
            },
        );
        let b = slot_key(
            1,
            Block {
                level: 0,
                start: 20,
            },
        );
        let c = slot_key(1, Block { level: 1, start: 0 });
        let d = slot_key(2, Block { level: 0, start: 0 });
        let mut keys = vec![d, c, a, b];
        keys.sort();
        assert_eq!(keys, vec![b, a, c, d]);
        assert_eq!(slot_key_start(&a), Some(100));
    }

    #[test]
    fn counts_round_trip_and_tolerate_garbage() {
        let c = SlotCounts {
            samples: 12345,
            writes: 7,
        };
        assert_eq!(SlotCounts::decode(&c.encode()), c);
        assert_eq!(SlotCounts::decode(b"short"), SlotCounts::default());
    }

    #[test]
    fn newer_metadata_overwrites_only_what_it_sets() {
        let mut m = SeriesMeta {
            spy_name: "pyspy".into(),
            sample_rate: 100,
            units: "samples".into(),
            ..Default::default()
        };
        m.update_from(&SeriesMeta {
            spy_name: String::new(),
            sample_rate: 0,
            units: "bytes".into(),
            aggregation: Aggregation::Average,
        });
        assert_eq!(m.spy_name, "pyspy");
        assert_eq!(m.sample_rate, 100);
        assert_eq!(m.units, "bytes");
        assert_eq!(m.aggregation, Aggregation::Average);
    }
}
