//! The embedded store: the only module that knows the storage engine (fjall, an LSM tree
//! with lz4-compressed blocks). Handlers call [`Store`] methods with domain types; the key
//! and value layout is in [`tables`], the time index arithmetic in [`segments`]. Users,
//! API keys and server secrets live in [`users`] and `keys.rs`.
//!
//! Durability: [`Store::write`] commits one atomic batch and fsyncs the journal before it
//! returns, so whatever a caller acknowledged survives a crash (`kill -9`) of the process.
// Stored and uploaded bytes are never trusted: no unwrap outside tests.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod coarse;
mod dicts;
mod keys;
mod migrate;
pub mod segments;
pub mod tables;
pub mod users;
mod write;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

use cinder_profile::dict::Sums;
use cinder_profile::Tree;
use fjall::config::CompressionPolicy;
use fjall::{CompressionType, Database, Keyspace, KeyspaceCreateOptions, PersistMode};
use serde::de::DeserializeOwned;

pub use tables::{
    Aggregation, ApiKeyRecord, AppRecord, SeriesMeta, SeriesRecord, SlotCounts, UserRecord,
};
pub use users::{UserConflict, UsersTxn};
pub use write::Write;

use crate::base::Window;
use segments::Block;

/// A storage failure. Corruption variants say what an operator can do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The storage engine failed (IO error, full disk, poisoned after a failed fsync).
    #[error("storage engine: {0}")]
    Engine(#[from] fjall::Error),
    /// A stored value could not be decoded.
    #[error("corrupt {what} in the store: {detail} (restore from backup or delete the app)")]
    Corrupt {
        /// Which kind of value.
        what: &'static str,
        /// Decoder message.
        detail: String,
    },
    /// The directory holds a layout this binary does not know.
    #[error("store format version {found} is not supported (expected {expected})")]
    Version {
        /// Version on disk.
        found: u32,
        /// Version this binary writes.
        expected: u32,
    },
}

impl StoreError {
    /// Another process (a running server) holds the store's lock.
    #[must_use]
    pub fn is_locked(&self) -> bool {
        matches!(self, StoreError::Engine(fjall::Error::Locked))
    }
}

fn corrupt(what: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what,
        detail: e.to_string(),
    }
}

/// Decodes one JSON record (`what` names it in the corruption error).
fn from_json<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| corrupt(what, e))
}

/// The JSON record under `key` in `ks`, if there is one.
fn get_json<T: DeserializeOwned>(
    ks: &Keyspace,
    what: &'static str,
    key: impl AsRef<[u8]>,
) -> Result<Option<T>, StoreError> {
    ks.get(key)?.map(|v| from_json(what, &v)).transpose()
}

/// Every JSON record of a keyspace scan (whole or by prefix), in key order.
fn scan_json<T: DeserializeOwned>(
    what: &'static str,
    scan: fjall::Iter,
) -> Result<Vec<T>, StoreError> {
    scan.map(|g| from_json(what, &g.value()?)).collect()
}

/// fjall's smallest journal budget: once sealed journals reach it, the keyspaces holding
/// them back are flushed. [`Store::write`] also flushes as soon as a journal is sealed, so
/// the journal stays near one file.
const MAX_JOURNAL_BYTES: u64 = 64 * 1024 * 1024;

/// Memtable size of the data keyspaces: small, so memory stays low under many agents and
/// flushes (which let old journals go) come often.
const DATA_MEMTABLE_BYTES: u64 = 8 * 1024 * 1024;

/// `trees` and `counts`: lz4 on every level (fjall leaves the first two uncompressed,
/// and with frequent flushes most young data sits there).
fn data_keyspace_options() -> KeyspaceCreateOptions {
    KeyspaceCreateOptions::default()
        .max_memtable_size(DATA_MEMTABLE_BYTES)
        .data_block_compression_policy(CompressionPolicy::all(CompressionType::Lz4))
}

/// Handle to the store; cheap to share behind an `Arc`.
pub struct Store {
    db: Database,
    meta: Keyspace,
    series: Keyspace,
    apps: Keyspace,
    trees: Keyspace,
    counts: Keyspace,
    nodes: Keyspace,
    open_blocks: Keyspace,
    users: Keyspace,
    users_by_name: Keyspace,
    api_keys: Keyspace,
    secrets: Keyspace,
    /// Serialises read-modify-write of slots and id allocation; reads never take it.
    write_lock: Mutex<()>,
    /// Serialises changes to users, API keys and secrets (separate from `write_lock`, so
    /// ingestion never waits for an account change).
    users_lock: Mutex<()>,
    /// Node dictionaries of the series used so far.
    dicts: dicts::Dicts,
    /// Open coarse blocks' in-memory parts.
    open: coarse::OpenBlocks,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

/// The result of reading a set of series over a window.
#[derive(Debug, Default)]
pub struct ReadResult {
    /// The merged tree (divided by the write count for averaged series).
    pub tree: Tree,
    /// Metadata of the last series read.
    pub meta: SeriesMeta,
}

impl Store {
    /// Opens (creating if needed) the store under `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = Database::builder(path)
            .max_journaling_size(MAX_JOURNAL_BYTES)
            .journal_compression(CompressionType::Lz4)
            .open()?;
        let ks = |name: &str| db.keyspace(name, KeyspaceCreateOptions::default);
        let data = |name: &str| db.keyspace(name, data_keyspace_options);
        let store = Store {
            meta: ks(tables::META)?,
            series: ks(tables::SERIES)?,
            apps: ks(tables::APPS)?,
            trees: data(tables::TREES)?,
            counts: data(tables::COUNTS)?,
            nodes: data(tables::NODES)?,
            open_blocks: ks(tables::OPEN_BLOCKS)?,
            users: ks(tables::USERS)?,
            users_by_name: ks(tables::USERS_BY_NAME)?,
            api_keys: ks(tables::API_KEYS)?,
            secrets: ks(tables::SECRETS)?,
            db,
            write_lock: Mutex::new(()),
            users_lock: Mutex::new(()),
            dicts: dicts::Dicts::default(),
            open: coarse::OpenBlocks::default(),
        };
        store.check_version()?;
        store.load_dicts()?;
        store.recover_open_blocks()?;
        Ok(store)
    }

    fn check_version(&self) -> Result<(), StoreError> {
        match self.meta.get(tables::META_FORMAT_VERSION)? {
            None => {
                self.meta.insert(
                    tables::META_FORMAT_VERSION,
                    tables::FORMAT_VERSION.to_le_bytes(),
                )?;
                self.db.persist(PersistMode::SyncAll)?;
                Ok(())
            }
            Some(v) => {
                let found = v.as_ref().try_into().map(u32::from_le_bytes).unwrap_or(0);
                if found == 1 || found == 2 {
                    self.migrate(found)
                } else if found == tables::FORMAT_VERSION {
                    Ok(())
                } else {
                    Err(StoreError::Version {
                        found,
                        expected: tables::FORMAT_VERSION,
                    })
                }
            }
        }
    }

    /// Every series of `app`.
    pub fn series_of_app(&self, app: &str) -> Result<Vec<SeriesRecord>, StoreError> {
        scan_json(
            "series record",
            self.series.prefix(tables::app_series_prefix(app)),
        )
    }

    /// Every series of every app.
    pub fn all_series(&self) -> Result<Vec<SeriesRecord>, StoreError> {
        scan_json("series record", self.series.iter())
    }

    /// How many series there are (a scan of the series index: for `/metrics`, not hot
    /// paths).
    pub fn series_count(&self) -> Result<usize, StoreError> {
        Ok(self.series.len()?)
    }

    /// Applications in creation order.
    pub fn apps(&self) -> Result<Vec<(String, AppRecord)>, StoreError> {
        let mut apps = self
            .apps
            .iter()
            .map(|g| {
                let (k, v) = g.into_inner()?;
                let rec: AppRecord = from_json("app record", &v)?;
                Ok((String::from_utf8_lossy(&k).into_owned(), rec))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        apps.sort_by_key(|(_, r)| r.seq);
        Ok(apps)
    }

    /// End of the latest 10 s slot holding data of `app` (unix seconds), if any: the last
    /// level-0 key of each series, whose keys sort by time.
    pub fn last_data_time(&self, app: &str) -> Result<Option<i64>, StoreError> {
        let mut last = None;
        for s in self.series_of_app(app)? {
            let mut prefix = tables::series_prefix(s.id).to_vec();
            prefix.push(0);
            if let Some(g) = self.trees.prefix(prefix).next_back() {
                let (k, _) = g.into_inner()?;
                let end = tables::slot_key_start(&k).map(|t| t + segments::span(0));
                last = last.max(end);
            }
        }
        Ok(last)
    }

    /// Merges the trees of `series` over `window`. Averaged series (per the metadata of the
    /// last one) are divided by the number of writes that contributed (fractional: a write
    /// split over several blocks counts its share in each).
    pub fn read(&self, series: &[SeriesRecord], window: Window) -> Result<ReadResult, StoreError> {
        let mut out = ReadResult::default();
        let mut writes = 0u64;
        let runs = segments::runs(&segments::cover(window));
        // Held while reading stored blocks, so a block being closed is never seen both
        // stored and in memory.
        let open = self.open.read();
        for s in series {
            let mut stored = Vec::new();
            let mut deltas = Vec::new();
            for &(first, last) in &runs {
                let range = tables::slot_key(s.id, first)..=tables::slot_key(s.id, last);
                for g in self.trees.range(range.clone()) {
                    stored.push(g.value()?);
                }
                for g in self.counts.range(range) {
                    writes = writes.saturating_add(SlotCounts::decode(&g.value()?).writes);
                }
                if let Some(delta) = Store::open_deltas(&open, s.id, first, last) {
                    deltas.push(&delta.tree);
                    writes = writes.saturating_add(delta.counts.writes);
                }
            }
            if !stored.is_empty() || !deltas.is_empty() {
                // The dictionary is taken after the trees: it covers every index they use.
                let dict = self.dict(s.id)?;
                let dict = dicts::read(&dict);
                let mut sums = Sums::new(dict.len());
                for bytes in stored {
                    sums.add_bytes(&bytes).map_err(|e| corrupt("tree", e))?;
                }
                for delta in deltas {
                    sums.add(delta);
                }
                let tree = dict.tree_of_sums(&sums);
                if out.tree.is_empty() {
                    out.tree = tree;
                } else {
                    out.tree.merge_from(&tree);
                }
            }
            out.meta = s.meta.clone();
        }
        drop(open);
        if out.meta.aggregation == Aggregation::Average && writes > 0 {
            out.tree.scale(tables::WRITE_UNIT, writes);
        }
        Ok(out)
    }

    /// Samples per block of `level` overlapping `window`, for timelines: `(block start,
    /// samples)` pairs of every series, in no particular order.
    pub fn samples_at_level(
        &self,
        series: &[SeriesRecord],
        window: Window,
        level: u8,
    ) -> Result<Vec<(i64, u64)>, StoreError> {
        let mut out = Vec::new();
        let first = Block::containing(level, window.start);
        let last = Block::containing(level, window.end - 1);
        let open = self.open.read();
        for s in series {
            if let Some(delta) = Store::open_deltas(&open, s.id, first, last) {
                if let Some((start, _)) = open.get(&(s.id, level)) {
                    out.push((*start, delta.counts.samples));
                }
            }
            let range = tables::slot_key(s.id, first)..=tables::slot_key(s.id, last);
            for g in self.counts.range(range) {
                let (k, v) = g.into_inner()?;
                if let Some(start) = tables::slot_key_start(&k) {
                    out.push((start, SlotCounts::decode(&v).samples));
                }
            }
        }
        Ok(out)
    }

    /// Label keys of `app`'s series (or of every series), with `__name__`, sorted.
    pub fn label_keys(&self, app: Option<&str>) -> Result<Vec<String>, StoreError> {
        let series = match app {
            Some(a) => self.series_of_app(a)?,
            None => self.all_series()?,
        };
        let mut keys: BTreeSet<String> = series
            .iter()
            .flat_map(|s| s.labels.keys().cloned())
            .collect();
        if !series.is_empty() {
            keys.insert(cinder_profile::selector::NAME_LABEL.to_string());
        }
        Ok(keys.into_iter().collect())
    }

    /// Values of label `key` across `app`'s series (or every series), sorted. For
    /// `__name__` these are application names.
    pub fn label_values(&self, key: &str, app: Option<&str>) -> Result<Vec<String>, StoreError> {
        let series = match app {
            Some(a) => self.series_of_app(a)?,
            None => self.all_series()?,
        };
        let values: BTreeSet<String> = if key == cinder_profile::selector::NAME_LABEL {
            series.into_iter().map(|s| s.app).collect()
        } else {
            series
                .into_iter()
                .filter_map(|mut s| s.labels.remove(key))
                .collect()
        };
        Ok(values.into_iter().collect())
    }

    /// Deletes every series, slot and the metadata of `app`. Returns whether it existed.
    pub fn delete_app(&self, app: &str) -> Result<bool, StoreError> {
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let series = self.series_of_app(app)?;
        let existed = self.apps.get(app)?.is_some() || !series.is_empty();
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        for s in &series {
            batch.remove(&self.open_blocks, tables::open_key(s.id, 0));
            for level in 1..segments::LEVELS {
                batch.remove(&self.open_blocks, tables::open_key(s.id, level));
            }
            for ks in [&self.trees, &self.counts, &self.nodes] {
                for g in ks.prefix(tables::series_prefix(s.id)) {
                    batch.remove(ks, g.key()?);
                }
            }
            batch.remove(&self.series, write::series_key_string(&s.app, &s.labels));
        }
        batch.remove(&self.apps, app);
        batch.commit()?;
        for s in &series {
            self.dicts.forget(s.id);
            self.open.forget(s.id);
        }
        Ok(existed)
    }

    /// Removes every slot that ended before `cutoff` (unix seconds). Returns how many.
    pub fn apply_retention(&self, cutoff: i64) -> Result<usize, StoreError> {
        let mut removed = 0;
        for s in self.all_series()? {
            let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
            let direct = (1..segments::LEVELS).map(|l| l | tables::DIRECT);
            for level in (0..segments::LEVELS).chain(direct) {
                let lo = tables::slot_key(s.id, Block { level, start: 0 });
                let last_start = cutoff - coarse::span_of(level);
                if last_start < 0 {
                    continue;
                }
                let hi = tables::slot_key(
                    s.id,
                    Block {
                        level,
                        start: last_start,
                    },
                );
                for ks in [&self.trees, &self.counts] {
                    for g in ks.range(lo..=hi) {
                        batch.remove(ks, g.key()?);
                        removed += 1;
                    }
                }
            }
            batch.commit()?;
        }
        self.forget_open_blocks_before(cutoff)?;
        Ok(removed / 2)
    }

    /// Drops the open blocks that ended before `cutoff` (a series that stopped sending),
    /// so a later close does not store them again.
    fn forget_open_blocks_before(&self, cutoff: i64) -> Result<(), StoreError> {
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut open = self.open.write();
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        open.retain(|&(series, level), (start, _)| {
            let keep = *start + segments::span(level) > cutoff;
            if !keep {
                batch.remove(&self.open_blocks, tables::open_key(series, level));
            }
            keep
        });
        batch.commit()?;
        Ok(())
    }

    /// Every keyspace, for flushing.
    fn keyspaces(&self) -> [&Keyspace; 11] {
        [
            &self.nodes,
            &self.open_blocks,
            &self.meta,
            &self.series,
            &self.apps,
            &self.trees,
            &self.counts,
            &self.users,
            &self.users_by_name,
            &self.api_keys,
            &self.secrets,
        ]
    }

    /// Asks every keyspace to flush its memtable once a journal file has been sealed, so
    /// the sealed file can be deleted (keyspaces written rarely would otherwise hold it
    /// until fjall's journal budget is exceeded).
    fn release_sealed_journals(&self) -> Result<(), StoreError> {
        if self.db.journal_count() > 1 {
            for ks in self.keyspaces() {
                ks.rotate_memtable()?;
            }
        }
        Ok(())
    }

    /// Clean shutdown: flushes every memtable to tables and waits, so the journal holds
    /// nothing that the next start would have to replay. Writes after this still work
    /// (and are journaled as usual).
    pub fn close(&self) -> Result<(), StoreError> {
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.store_open_blocks()?;
        self.db.persist(PersistMode::SyncAll)?;
        for ks in self.keyspaces() {
            ks.rotate_memtable_and_wait()?;
        }
        Ok(())
    }

    /// Bytes the store occupies on disk, journal included (fjall preallocates journal
    /// space, so this over-counts a small store).
    pub fn disk_space(&self) -> Result<u64, StoreError> {
        Ok(self.db.disk_space()?)
    }

    /// Flushes every memtable to compressed tables and returns the tables' size: the
    /// steady-state cost of the data, without journal preallocation.
    pub fn flushed_table_bytes(&self) -> Result<u64, StoreError> {
        let mut total = 0;
        for ks in self.keyspaces() {
            ks.rotate_memtable_and_wait()?;
            total += ks.disk_space();
        }
        Ok(total)
    }
}
