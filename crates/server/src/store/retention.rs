//! Deleting old data (spec §6.4): the store keeps [`Marks`], what retention has deleted,
//! and deletes to them in bounded sweeps, so the job that drives it (`jobs/retention.rs`)
//! never holds the store for long.
//!
//! Order: marks are raised (and made durable) first, then blocks are deleted, so a read
//! never looks for a block that is gone: it uses the coarser block that answers for it.
//!
//! An open coarse block is rebuilt from its children after a crash (`store/coarse.rs`), so
//! its children are deleted through it: in one batch, what they held moves into the
//! block's stored value and the block is marked sealed (`Store::seal_children`). An open
//! block itself and its direct copy are kept whatever their age (at most the latest block
//! of each level per series); a clean shutdown stores them, and the next sweep deletes
//! them.

use std::sync::{PoisonError, RwLock};

use fjall::PersistMode;

use super::plan::Marks;
use super::segments::{self, Block, LEVELS};
use super::{from_json, tables, Store, StoreError};

/// `meta` key of the retention [`Marks`] (JSON). Added without a format change: older
/// binaries of format 3 ignore it (and then read a thinned store without coarse fallback).
pub(super) const META_RETENTION_MARKS: &[u8] = b"retention_marks";

/// The marks, shared by readers and the retention job.
#[derive(Debug, Default)]
pub(super) struct MarksCell(RwLock<Marks>);

impl MarksCell {
    pub(super) fn get(&self) -> Marks {
        *self.0.read().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A sweep in progress: every series' slot ranges, in key order, resumed where the last
/// bounded step stopped.
#[derive(Debug)]
pub struct Sweep {
    ids: Vec<u64>,
    /// Index into `ids` × [`SWEPT_LEVELS`].
    pos: usize,
    /// The last key deleted in the current range.
    after: Option<[u8; 17]>,
}

impl Sweep {
    /// Whether every range has been swept.
    #[must_use]
    pub fn done(&self) -> bool {
        self.pos >= self.ids.len() * SWEPT_LEVELS.len()
    }
}

/// A key range to delete (`first..=last`) and the one key in it to keep.
type SweepRange = ([u8; 17], [u8; 17], Option<[u8; 17]>);

/// Every level byte of slot keys: the levels, then the direct copies.
const SWEPT_LEVELS: [u8; 15] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    1 | tables::DIRECT,
    2 | tables::DIRECT,
    3 | tables::DIRECT,
    4 | tables::DIRECT,
    5 | tables::DIRECT,
    6 | tables::DIRECT,
    7 | tables::DIRECT,
];

impl Store {
    /// Loads the marks at open.
    pub(super) fn load_marks(&self) -> Result<(), StoreError> {
        if let Some(v) = self.meta.get(META_RETENTION_MARKS)? {
            let marks: Marks = from_json("retention marks", &v)?;
            *self.marks.0.write().unwrap_or_else(PoisonError::into_inner) = marks.normalized();
        }
        Ok(())
    }

    /// What retention has deleted so far.
    #[must_use]
    pub fn marks(&self) -> Marks {
        self.marks.get()
    }

    /// Raises the marks to at least `to` (durably, before anything is deleted) and drops
    /// the open blocks that ended before the new expiry. Returns the marks now in force.
    pub fn raise_marks(&self, to: Marks) -> Result<Marks, StoreError> {
        let mut cell = self.marks.0.write().unwrap_or_else(PoisonError::into_inner);
        let new = cell.max(to);
        if new != *cell {
            let json =
                serde_json::to_vec(&new).map_err(|e| super::corrupt("retention marks", e))?;
            let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
            batch.insert(&self.meta, META_RETENTION_MARKS, json);
            batch.commit()?;
            let expired_before = cell.expired;
            *cell = new;
            drop(cell);
            if new.expired > expired_before {
                self.forget_open_blocks_before(new.expired)?;
            }
        }
        Ok(new)
    }

    /// A sweep over every series' blocks.
    pub fn start_sweep(&self) -> Result<Sweep, StoreError> {
        let mut ids: Vec<u64> = self.all_series()?.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        Ok(Sweep {
            ids,
            pos: 0,
            after: None,
        })
    }

    /// Deletes up to `budget` blocks that the marks say are gone (tree and counts, one
    /// batch), continuing `sweep`. Returns how many.
    pub fn sweep(&self, sweep: &mut Sweep, budget: usize) -> Result<usize, StoreError> {
        let marks = self.marks();
        let mut batch = self.db.batch();
        let mut deleted = 0;
        while !sweep.done() && deleted < budget {
            let id = sweep.ids[sweep.pos / SWEPT_LEVELS.len()];
            let level = SWEPT_LEVELS[sweep.pos % SWEPT_LEVELS.len()];
            if sweep.after.is_none() && level + 1 < LEVELS {
                // The children of the open block above go through it (see `seal_children`).
                let span = segments::span(level);
                let until = marks.level(level).div_euclid(span) * span;
                deleted += self.seal_children(id, level + 1, until)?;
            }
            let Some((lo, hi, keep)) = self.sweep_range(id, level, &marks, sweep.after) else {
                sweep.pos += 1;
                sweep.after = None;
                continue;
            };
            let mut exhausted = true;
            for g in self.trees.range(lo..=hi) {
                let key = g.key()?;
                let Ok(key) = <[u8; 17]>::try_from(key.as_ref()) else {
                    continue;
                };
                sweep.after = Some(key);
                if Some(key) == keep {
                    continue;
                }
                batch.remove(&self.trees, key);
                batch.remove(&self.counts, key);
                deleted += 1;
                if deleted >= budget {
                    exhausted = false;
                    break;
                }
            }
            if exhausted {
                sweep.pos += 1;
                sweep.after = None;
            }
        }
        if deleted > 0 {
            batch.commit()?;
        }
        Ok(deleted)
    }

    /// The key range of `id`'s blocks of `level` (a slot key level byte) that the marks
    /// delete, starting after `after`, and the one key in it to keep (the open block or
    /// its direct copy). `None` when there is nothing to delete.
    fn sweep_range(
        &self,
        id: u64,
        level: u8,
        marks: &Marks,
        after: Option<[u8; 17]>,
    ) -> Option<SweepRange> {
        let plain = level & !tables::DIRECT;
        let (open_here, open_above) = {
            let open = self.open.read();
            let start = |l: u8| open.get(&(id, l)).map(|(s, _)| *s);
            (start(plain), start(plain + 1))
        };
        // An open block is rebuilt from its children after a crash: keep them.
        let cutoff = open_above.map_or(marks.level(plain), |s| marks.level(plain).min(s));
        let last_start = cutoff - segments::span(plain);
        if last_start < 0 {
            return None;
        }
        let key = |start: i64| {
            let mut k = tables::slot_key(
                id,
                Block {
                    level: plain,
                    start,
                },
            );
            k[8] = level;
            k
        };
        let lo = after.map_or_else(|| key(0), next_key);
        let hi = key(last_start);
        (lo <= hi).then(|| (lo, hi, open_here.map(key)))
    }

    /// Deletes the series that have no data left (no open block, and no block starting
    /// after the expiry: coarse blocks that straddle it hold only expired data then), with
    /// their blocks, node dictionary and open block markers (a later write creates the
    /// series afresh, with a new id), and the apps left without series. Returns how many
    /// series.
    pub fn purge_empty_series(&self) -> Result<usize, StoreError> {
        let expired = self.marks().expired;
        // Found without the write lock (a scan of every series), checked again under it.
        let mut candidates = Vec::new();
        for s in self.all_series()? {
            if self.is_empty_series(s.id, expired)? {
                candidates.push(s);
            }
        }
        if candidates.is_empty() {
            return Ok(0);
        }
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        let mut purged = std::collections::HashSet::new();
        let mut apps = std::collections::BTreeSet::new();
        for s in &candidates {
            if !self.is_empty_series(s.id, expired)? {
                continue;
            }
            for ks in [&self.trees, &self.counts, &self.nodes] {
                for g in ks.prefix(tables::series_prefix(s.id)) {
                    batch.remove(ks, g.key()?);
                }
            }
            for l in 0..LEVELS {
                batch.remove(&self.open_blocks, tables::open_key(s.id, l));
                batch.remove(&self.sealed, tables::open_key(s.id, l));
            }
            batch.remove(
                &self.series,
                super::write::series_key_string(&s.app, &s.labels),
            );
            purged.insert(s.id);
            apps.insert(s.app.as_str());
        }
        for app in apps {
            if self
                .series_of_app(app)?
                .iter()
                .all(|s| purged.contains(&s.id))
            {
                batch.remove(&self.apps, app);
            }
        }
        batch.commit()?;
        for id in &purged {
            self.dicts.forget(*id);
        }
        Ok(purged.len())
    }

    /// Whether series `id` has no open block and no block starting after `expired`.
    fn is_empty_series(&self, id: u64, expired: i64) -> Result<bool, StoreError> {
        let has_open = {
            let open = self.open.read();
            (1..LEVELS).any(|l| open.contains_key(&(id, l)))
        };
        Ok(!has_open && !self.has_live_block(id, expired)?)
    }

    /// Whether `id` has a block (of any level, direct copies included) starting at or
    /// after `expired`.
    fn has_live_block(&self, id: u64, expired: i64) -> Result<bool, StoreError> {
        for level in SWEPT_LEVELS {
            let key = |start: i64| {
                let mut k = tables::slot_key(id, Block { level: 0, start });
                k[8] = level;
                k
            };
            if self
                .trees
                .range(key(expired.max(0))..=key(i64::MAX))
                .next()
                .is_some()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Bytes of the store's tables on disk: what the size limit counts. The journal
    /// (at most about 64 MiB, see `docs/storage.md`) and memtables not yet flushed (8 MiB
    /// per data keyspace at most) are not counted.
    pub fn table_bytes(&self) -> u64 {
        self.keyspaces().iter().map(|ks| ks.disk_space()).sum()
    }

    /// Bytes of the tables of blocks (`trees`, `counts`) and of node dictionaries
    /// (`nodes`), apart: dictionaries of series that still receive data are not deleted
    /// by retention.
    #[must_use]
    pub fn data_table_bytes(&self) -> (u64, u64) {
        (
            self.trees.disk_space() + self.counts.disk_space(),
            self.nodes.disk_space(),
        )
    }

    /// Flushes the data keyspaces' memtables to tables (which [`Store::table_bytes`]
    /// then counts).
    pub fn flush_data(&self) -> Result<(), StoreError> {
        for ks in [&self.trees, &self.counts, &self.nodes] {
            ks.rotate_memtable_and_wait()?;
        }
        Ok(())
    }

    /// Flushes the data keyspaces and compacts them fully, so deleted blocks free their
    /// space now rather than when compaction would reach them (costs a rewrite of the
    /// data: run it only when the size limit needs the space).
    pub fn reclaim_space(&self) -> Result<(), StoreError> {
        self.flush_data()?;
        for ks in [&self.trees, &self.counts, &self.nodes] {
            ks.major_compact()?;
        }
        Ok(())
    }

    /// The start of the oldest stored block of `levels` that starts at or after `after`,
    /// over every series, if any.
    pub fn oldest_block_start(
        &self,
        levels: std::ops::Range<u8>,
        after: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut oldest: Option<i64> = None;
        for s in self.all_series()? {
            for level in levels.clone() {
                let lo = tables::slot_key(
                    s.id,
                    Block {
                        level,
                        start: after.max(0),
                    },
                );
                let hi = tables::slot_key(
                    s.id,
                    Block {
                        level,
                        start: i64::MAX,
                    },
                );
                if let Some(g) = self.trees.range(lo..=hi).next() {
                    let start = tables::slot_key_start(&g.key()?);
                    oldest = match (oldest, start) {
                        (Some(o), Some(s)) => Some(o.min(s)),
                        (o, s) => o.or(s),
                    };
                }
            }
        }
        Ok(oldest)
    }

    /// Deletes every block that ended before `cutoff` (all levels, direct copies
    /// included), in one sweep. Returns how many.
    pub fn apply_retention(&self, cutoff: i64) -> Result<usize, StoreError> {
        self.raise_marks(Marks {
            expired: cutoff,
            ..Marks::default()
        })?;
        let mut sweep = self.start_sweep()?;
        let mut removed = 0;
        while !sweep.done() {
            removed += self.sweep(&mut sweep, usize::MAX)?;
        }
        Ok(removed)
    }

    /// Drops the open blocks that ended before `cutoff` (a series that stopped sending),
    /// so a later close does not store them again.
    fn forget_open_blocks_before(&self, cutoff: i64) -> Result<(), StoreError> {
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut open = self.open.write();
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        open.retain(|&(series, level), (start, _)| {
            let keep = *start + segments::span(level) > cutoff;
            if !keep {
                batch.remove(&self.open_blocks, tables::open_key(series, level));
                batch.remove(&self.sealed, tables::open_key(series, level));
            }
            keep
        });
        batch.commit()?;
        Ok(())
    }
}

/// The smallest key after `key`.
fn next_key(key: [u8; 17]) -> [u8; 17] {
    let mut k = key;
    for b in k.iter_mut().rev() {
        if *b == u8::MAX {
            *b = 0;
        } else {
            *b += 1;
            break;
        }
    }
    k
}
