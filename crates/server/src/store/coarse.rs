//! Coarse blocks written once: each write goes durably to its own blocks (10 s slots, or
//! the aligned blocks of a long write); what it adds to the coarser blocks above them is
//! accumulated in memory, per series and level, in the one *open* block (the latest one
//! written), and stored when a later block of that level opens or the store closes. A
//! year of 10 s uploads then writes each 100 s … 3-year block a handful of times instead
//! of once per upload (which filled the journal and the tables with stale versions).
//!
//! The invariant: stored block + in-memory delta = everything written to the block. Reads
//! add the delta of open blocks. Writes to an earlier block of a level (late data) go to
//! the stored block directly.
//!
//! Durability: the fine blocks are the durable record. Opening a block stores a marker
//! (`open_blocks`: series id, level → block start) in the same batch; a clean close stores
//! every delta and removes the markers. After a crash, each marked block is rebuilt from
//! its children one level down (rebuilt first, bottom-up) plus the long writes aimed at
//! the block itself, which are also kept apart under [`tables::DIRECT`] levels for this.
//!
//! Retention deletes an open block's children through it ([`Store::seal_children`]): what
//! they held moves into the block's stored value in the same batch, and the block is
//! marked sealed, so its rebuild adds the remaining children to that stored value.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use cinder_profile::dict::SparseTree;
use cinder_profile::{MaxNodes, Strategy};
use fjall::{OwnedWriteBatch, PersistMode};

use super::dicts::{self, Growth};
use super::segments::Block;
use super::tables::{self, SlotCounts};
use super::{corrupt, Store, StoreError};

/// Stored trees are truncated to this many nodes, as the original does (spec §6.3).
pub(super) const MAX_STORED_NODES: MaxNodes = MaxNodes::STORAGE_DEFAULT;

/// The in-memory part of an open block.
#[derive(Debug, Clone, Default)]
pub(super) struct Delta {
    pub(super) tree: SparseTree,
    pub(super) counts: SlotCounts,
}

impl Delta {
    fn add(&mut self, other: &Delta) {
        self.tree.merge(&other.tree);
        self.counts.add(other.counts);
    }
}

/// The open block of every (series, level).
#[derive(Default)]
pub(super) struct OpenBlocks {
    map: RwLock<HashMap<(u64, u8), (i64, Delta)>>,
}

impl OpenBlocks {
    pub(super) fn read(&self) -> RwLockReadGuard<'_, HashMap<(u64, u8), (i64, Delta)>> {
        self.map.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn write(&self) -> RwLockWriteGuard<'_, HashMap<(u64, u8), (i64, Delta)>> {
        self.map.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets a deleted series' open blocks.
    pub(super) fn forget(&self, series: u64) {
        self.write().retain(|(s, _), _| *s != series);
    }
}

/// What one batch changes in the open blocks, applied after its commit.
#[derive(Default)]
pub(super) struct Staged {
    changes: HashMap<(u64, u8), (i64, Delta)>,
}

impl Staged {
    /// Makes the batch's changes visible (call after a successful commit, holding the
    /// open blocks' write lock so readers never see a block both stored and in memory).
    pub(super) fn apply(self, open: &mut HashMap<(u64, u8), (i64, Delta)>) {
        open.extend(self.changes);
    }
}

impl Store {
    /// Reads the stored tree and counts of slot `key`, as values of `series`' dictionary.
    fn stored(&self, growth: &mut Growth, key: [u8; 17]) -> Result<Delta, StoreError> {
        if let Some(value) = growth.written.get(&key) {
            return Ok(value.clone());
        }
        let dict = growth.dict(self, tables::key_series(&key))?;
        let len = dicts::read(&dict).len();
        let tree = match self.trees.get(key)? {
            Some(b) => SparseTree::from_bytes(&b, len).map_err(|e| corrupt("tree", e))?,
            None => SparseTree::default(),
        };
        let counts = self
            .counts
            .get(key)?
            .map(|c| SlotCounts::decode(&c))
            .unwrap_or_default();
        Ok(Delta { tree, counts })
    }

    /// Adds `delta` to stored slot `key` (read-modify-write into `batch`), truncating the
    /// tree to [`MAX_STORED_NODES`].
    pub(super) fn add_to_stored(
        &self,
        batch: &mut OwnedWriteBatch,
        growth: &mut Growth,
        key: [u8; 17],
        delta: &Delta,
    ) -> Result<(), StoreError> {
        let mut value = self.stored(growth, key)?;
        value.add(delta);
        self.put(batch, growth, key, value)
    }

    fn put(
        &self,
        batch: &mut OwnedWriteBatch,
        growth: &mut Growth,
        key: [u8; 17],
        mut value: Delta,
    ) -> Result<(), StoreError> {
        let dict = growth.dict(self, tables::key_series(&key))?;
        if let MaxNodes::Limit(limit) = MAX_STORED_NODES {
            let mut dict = dicts::write(&dict);
            if dict.node_count(&value.tree) > limit {
                let cut = dict
                    .tree(&value.tree)
                    .truncate(MAX_STORED_NODES, Strategy::WidestTotal);
                value.tree = dict.sparse(&cut);
            }
        }
        batch.insert(&self.trees, key, value.tree.to_bytes());
        batch.insert(&self.counts, key, value.counts.encode());
        growth.written.insert(key, value);
        Ok(())
    }

    /// Routes the part of a batch aimed at coarse ancestor blocks: into the open block of
    /// its level, or (late data) into the stored block. Opening a block stores the one it
    /// replaces and the marker.
    pub(super) fn add_to_coarse(
        &self,
        batch: &mut OwnedWriteBatch,
        growth: &mut Growth,
        staged: &mut Staged,
        series: u64,
        block: Block,
        delta: Delta,
    ) -> Result<(), StoreError> {
        let slot = (series, block.level);
        let current = match staged.changes.get(&slot) {
            Some(c) => Some(c.clone()),
            None => self.open.read().get(&slot).cloned(),
        };
        match current {
            Some((start, mut open)) if start == block.start => {
                open.add(&delta);
                staged.changes.insert(slot, (start, open));
            }
            Some((start, _)) if block.start < start => {
                self.add_to_stored(batch, growth, tables::slot_key(series, block), &delta)?;
            }
            previous => {
                if let Some((start, open)) = previous {
                    let closed = Block {
                        level: block.level,
                        start,
                    };
                    self.add_to_stored(batch, growth, tables::slot_key(series, closed), &open)?;
                }
                batch.insert(
                    &self.open_blocks,
                    tables::open_key(series, block.level),
                    block.start_u64().to_be_bytes(),
                );
                batch.remove(&self.sealed, tables::open_key(series, block.level));
                staged.changes.insert(slot, (block.start, delta));
            }
        }
        Ok(())
    }

    /// Stores every open block's delta and removes the markers (clean shutdown).
    pub(super) fn store_open_blocks(&self) -> Result<(), StoreError> {
        let mut open = self.open.write();
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        let mut growth = Growth::default();
        for (&(series, level), (start, delta)) in open.iter() {
            let block = Block {
                level,
                start: *start,
            };
            self.add_to_stored(
                &mut batch,
                &mut growth,
                tables::slot_key(series, block),
                delta,
            )?;
            batch.remove(&self.open_blocks, tables::open_key(series, level));
            batch.remove(&self.sealed, tables::open_key(series, level));
        }
        growth.persist(self, &mut batch);
        batch.commit()?;
        open.clear();
        Ok(())
    }

    /// After a crash: rebuilds every marked block from its children and the long writes
    /// aimed at it, lowest level first, and reopens it with an empty delta.
    pub(super) fn recover_open_blocks(&self) -> Result<(), StoreError> {
        let mut marked = Vec::new();
        for g in self.open_blocks.iter() {
            let (k, v) = g.into_inner()?;
            let start = v
                .as_ref()
                .try_into()
                .map(u64::from_be_bytes)
                .map_err(|e| corrupt("open block marker", e))?;
            let level = k.get(8).copied().unwrap_or(0);
            let start = i64::try_from(start).map_err(|e| corrupt("open block marker", e))?;
            marked.push((level, tables::key_series(&k), start));
        }
        marked.sort_unstable();
        let mut open = self.open.write();
        for (level, series, start) in marked {
            let block = Block { level, start };
            let delta = self.rebuild(series, block, &open)?;
            open.insert((series, level), (start, delta));
        }
        if !open.is_empty() {
            tracing::info!(
                blocks = open.len(),
                "rebuilt the coarse blocks open at a crash"
            );
        }
        Ok(())
    }

    /// Rebuilds open block `block` of `series` from its children (their stored values and,
    /// for an open child rebuilt before it, its delta in `open`) and its direct writes:
    /// stores that sum and returns an empty delta; or, if the block is sealed (its stored
    /// value holds what its deleted children held), returns that sum as its delta.
    fn rebuild(
        &self,
        series: u64,
        block: Block,
        open: &HashMap<(u64, u8), (i64, Delta)>,
    ) -> Result<Delta, StoreError> {
        if block.level == 0 {
            return Ok(Delta::default());
        }
        let mut growth = Growth::default();
        let mut sum = self.stored(&mut growth, tables::direct_key(series, block))?;
        let child_level = block.level - 1;
        let first = Block::containing(child_level, block.start);
        let last = Block::containing(child_level, block.end() - 1);
        let range = tables::slot_key(series, first)..=tables::slot_key(series, last);
        for g in self.trees.range(range) {
            let key: [u8; 17] = g
                .key()?
                .as_ref()
                .try_into()
                .map_err(|e| corrupt("slot key", e))?;
            sum.add(&self.stored(&mut growth, key)?);
        }
        if let Some((start, delta)) = open.get(&(series, child_level)) {
            if (block.start..block.end()).contains(start) {
                sum.add(delta);
            }
        }
        if self.sealed_start(series, block.level)? == Some(block.start) {
            return Ok(sum);
        }
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        self.put(
            &mut batch,
            &mut growth,
            tables::slot_key(series, block),
            sum,
        )?;
        growth.persist(self, &mut batch);
        batch.commit()?;
        Ok(Delta::default())
    }

    /// The start of `series`' sealed open block of `level`, if any.
    fn sealed_start(&self, series: u64, level: u8) -> Result<Option<i64>, StoreError> {
        Ok(self
            .sealed
            .get(tables::open_key(series, level))?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .and_then(|b| i64::try_from(u64::from_be_bytes(b)).ok()))
    }

    /// Deletes the children of `series`' open block of `level` that start before `until`
    /// (retention), moving what they held into the block's stored value in the same
    /// atomic batch, and recomputes its in-memory part from the children left and its
    /// direct writes; the block is marked sealed, so a rebuild after a crash adds its
    /// children to its stored value. Returns how many children were deleted.
    pub(super) fn seal_children(
        &self,
        series: u64,
        level: u8,
        until: i64,
    ) -> Result<usize, StoreError> {
        if level == 0 || !self.has_children_before(series, level, until)? {
            return Ok(0);
        }
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some((start, _)) = self.open.read().get(&(series, level)).cloned() else {
            return Ok(0);
        };
        let block = Block { level, start };
        let child_level = level - 1;
        // An open child stays (its delta is only in memory).
        let until = match self.open.read().get(&(series, child_level)) {
            Some((child_start, _)) => until.min(*child_start),
            None => until,
        };
        if until <= start || level == 0 {
            return Ok(0);
        }
        let mut growth = Growth::default();
        let mut low = if self.sealed_start(series, level)? == Some(start) {
            self.stored(&mut growth, tables::slot_key(series, block))?
        } else {
            Delta::default()
        };
        let mut high = self.stored(&mut growth, tables::direct_key(series, block))?;
        let first = Block::containing(child_level, block.start);
        let last = Block::containing(child_level, block.end() - 1);
        let mut batch = self.db.batch();
        let mut deleted = 0;
        let open_child = self.open.read().get(&(series, child_level)).cloned();
        for g in self
            .trees
            .range(tables::slot_key(series, first)..=tables::slot_key(series, last))
        {
            let key: [u8; 17] = g
                .key()?
                .as_ref()
                .try_into()
                .map_err(|e| corrupt("slot key", e))?;
            let child = self.stored(&mut growth, key)?;
            let child_start = tables::slot_key_start(&key).unwrap_or(i64::MAX);
            if child_start < until {
                low.add(&child);
                batch.remove(&self.trees, key);
                batch.remove(&self.counts, key);
                deleted += 1;
            } else {
                high.add(&child);
                if let Some((s, delta)) = &open_child {
                    if *s == child_start {
                        high.add(delta);
                    }
                }
            }
        }
        if deleted == 0 {
            return Ok(0);
        }
        self.put(
            &mut batch,
            &mut growth,
            tables::slot_key(series, block),
            low,
        )?;
        batch.insert(
            &self.sealed,
            tables::open_key(series, level),
            block.start_u64().to_be_bytes(),
        );
        growth.persist(self, &mut batch);
        let mut open = self.open.write();
        if let Err(e) = batch.commit() {
            growth.roll_back();
            return Err(e.into());
        }
        open.insert((series, level), (start, high));
        Ok(deleted)
    }

    /// Whether `series` has an open block of `level` with a stored child starting before
    /// `until` (checked without the write lock, so sweeps rarely take it).
    fn has_children_before(&self, series: u64, level: u8, until: i64) -> Result<bool, StoreError> {
        let Some(start) = self.open.read().get(&(series, level)).map(|(s, _)| *s) else {
            return Ok(false);
        };
        if until <= start {
            return Ok(false);
        }
        let child = |t: i64| tables::slot_key(series, Block::containing(level - 1, t));
        Ok(self
            .trees
            .range(child(start)..child(until))
            .next()
            .is_some())
    }

    /// The deltas of `series`' open blocks inside the run `first..=last` (one level).
    pub(super) fn open_deltas(
        open: &HashMap<(u64, u8), (i64, Delta)>,
        series: u64,
        first: Block,
        last: Block,
    ) -> Option<&Delta> {
        if first.level == 0 {
            return None;
        }
        open.get(&(series, first.level))
            .filter(|(start, _)| (first.start..=last.start).contains(start))
            .map(|(_, d)| d)
    }
}

/// The levels whose blocks get a write's part: its own target block, then the coarse
/// ancestors.
pub(super) fn ancestors(block: Block) -> impl Iterator<Item = Block> {
    block.with_ancestors().skip(1)
}
