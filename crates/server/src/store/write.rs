//! The write path: a batch of writes becomes one atomic, fsynced engine batch. Each write
//! is added to its 10 s slots (read-modify-write) and to every coarser block above them
//! (see [`super::segments`]), those through the open blocks of [`super::coarse`]; within a
//! batch, writes to the same block are merged in memory first.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use cinder_profile::selector::SeriesKey;
use cinder_profile::Tree;
use fjall::PersistMode;

use super::coarse::{self, Delta, Staged};
use super::dicts::{self, Growth};
use super::segments::{self, Block};
use super::tables::{self, AppRecord, SeriesMeta, SeriesRecord, SlotCounts, WRITE_UNIT};
use super::{corrupt, get_json, Store, StoreError};
use crate::base::Window;

/// One profile to store: a series, its metadata, the time it covers, and its tree.
#[derive(Debug, Clone)]
pub struct Write {
    /// Series (app and labels).
    pub key: SeriesKey,
    /// Metadata of the upload.
    pub meta: SeriesMeta,
    /// Time covered, on the 10 s grid.
    pub window: Window,
    /// The samples.
    pub tree: Tree,
}

/// The `series` keyspace key of a series.
pub(super) fn series_key_string(app: &str, labels: &BTreeMap<String, String>) -> String {
    SeriesKey::new(app, labels.clone()).normalized()
}

/// Pending changes of one batch, before they are merged with what is stored.
#[derive(Default)]
struct Pending {
    /// The writes' own blocks (and the direct copies of long writes' coarse blocks).
    slots: BTreeMap<[u8; 17], (Tree, SlotCounts)>,
    /// The coarse blocks above them.
    coarse: BTreeMap<(u64, Block), (Tree, SlotCounts)>,
    series: HashMap<String, SeriesRecord>,
    apps: HashMap<String, AppRecord>,
}

impl Store {
    /// Stores `writes` atomically and durably (the journal is fsynced before returning).
    pub fn write(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut next_id = self.next_series_id()?;
        let first_id = next_id;
        let mut pending = Pending::default();
        for w in writes {
            let id = self.series_record(&mut pending, &w, &mut next_id)?;
            self.app_record(&mut pending, &w, id)?;
            add_slots(&mut pending, id, &w);
        }
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        let mut growth = Growth::default();
        let mut staged = Staged::default();
        let slots = std::mem::take(&mut pending.slots);
        let coarse = std::mem::take(&mut pending.coarse);
        if let Err(e) = self
            .add_slot_values(&mut batch, &mut growth, slots)
            .and_then(|()| self.add_coarse_values(&mut batch, &mut growth, &mut staged, coarse))
        {
            growth.roll_back();
            return Err(e);
        }
        growth.persist(self, &mut batch);
        for (key, rec) in pending.series {
            batch.insert(&self.series, key, json(&rec));
        }
        for (app, rec) in pending.apps {
            batch.insert(&self.apps, app, json(&rec));
        }
        if next_id != first_id {
            batch.insert(
                &self.meta,
                tables::META_NEXT_SERIES_ID,
                next_id.to_le_bytes(),
            );
        }
        let mut open = self.open.write();
        if let Err(e) = batch.commit() {
            growth.roll_back();
            return Err(e.into());
        }
        staged.apply(&mut open);
        drop(open);
        self.release_sealed_journals()
    }

    /// Adds each slot's new tree and counts to what is stored (read-modify-write).
    fn add_slot_values(
        &self,
        batch: &mut fjall::OwnedWriteBatch,
        growth: &mut Growth,
        slots: BTreeMap<[u8; 17], (Tree, SlotCounts)>,
    ) -> Result<(), StoreError> {
        for (key, (tree, counts)) in slots {
            let delta = self.delta(growth, tables::key_series(&key), &tree, counts)?;
            self.add_to_stored(batch, growth, key, &delta)?;
        }
        Ok(())
    }

    /// Adds the coarse blocks' parts to their open blocks (or stored ones, for late data).
    fn add_coarse_values(
        &self,
        batch: &mut fjall::OwnedWriteBatch,
        growth: &mut Growth,
        staged: &mut Staged,
        coarse: BTreeMap<(u64, Block), (Tree, SlotCounts)>,
    ) -> Result<(), StoreError> {
        for ((series, block), (tree, counts)) in coarse {
            let delta = self.delta(growth, series, &tree, counts)?;
            self.add_to_coarse(batch, growth, staged, series, block, delta)?;
        }
        Ok(())
    }

    /// `tree` as values of `series`' dictionary (growing it as needed).
    fn delta(
        &self,
        growth: &mut Growth,
        series: u64,
        tree: &Tree,
        counts: SlotCounts,
    ) -> Result<Delta, StoreError> {
        let dict = growth.dict(self, series)?;
        let tree = dicts::write(&dict).sparse(tree);
        Ok(Delta { tree, counts })
    }

    fn next_series_id(&self) -> Result<u64, StoreError> {
        Ok(self
            .meta
            .get(tables::META_NEXT_SERIES_ID)?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_le_bytes))
            .unwrap_or(1))
    }

    /// Finds or creates the series record of `w` in `pending`, updating its metadata.
    fn series_record(
        &self,
        pending: &mut Pending,
        w: &Write,
        next_id: &mut u64,
    ) -> Result<u64, StoreError> {
        let key = w.key.normalized();
        if !pending.series.contains_key(&key) {
            let rec = match get_json(&self.series, "series record", &key)? {
                Some(rec) => rec,
                None => {
                    let id = *next_id;
                    *next_id += 1;
                    SeriesRecord {
                        id,
                        app: w.key.app.clone(),
                        labels: w.key.labels.clone(),
                        meta: SeriesMeta::default(),
                    }
                }
            };
            pending.series.insert(key.clone(), rec);
        }
        let rec = pending
            .series
            .get_mut(&key)
            .ok_or_else(|| corrupt("series record", "vanished"))?;
        rec.meta.update_from(&w.meta);
        Ok(rec.id)
    }

    fn app_record(&self, pending: &mut Pending, w: &Write, seq: u64) -> Result<(), StoreError> {
        let app = &w.key.app;
        if !pending.apps.contains_key(app) {
            let rec = match get_json(&self.apps, "app record", app)? {
                Some(rec) => rec,
                None => AppRecord {
                    seq,
                    meta: SeriesMeta::default(),
                },
            };
            pending.apps.insert(app.clone(), rec);
        }
        if let Some(rec) = pending.apps.get_mut(app) {
            rec.meta.update_from(&w.meta);
        }
        Ok(())
    }
}

/// Splits `tree` into one part per target block, proportionally to each block's share
/// (`share / total`). Each part is floored per node, as in the original, except the first,
/// which takes the remainder, so the parts always add up to the whole tree.
fn split<'t>(tree: &'t Tree, targets: &[(Block, i64)], total: u64) -> Vec<(Block, Cow<'t, Tree>)> {
    if let [(block, _)] = targets {
        return vec![(*block, Cow::Borrowed(tree))];
    }
    let mut rest = Tree::new();
    let mut parts: Vec<(Block, Cow<'t, Tree>)> = Vec::with_capacity(targets.len());
    for &(block, share) in targets.iter().skip(1) {
        let mut scaled = tree.clone();
        scaled.scale(u64::try_from(share).unwrap_or(0), total);
        // `scale` floors totals and selves separately; rebuild totals from the selves so
        // the parts' totals add up exactly (subtracting nothing re-derives the totals).
        let part = scaled.subtract(&Tree::new());
        rest.merge_from(&part);
        parts.push((block, Cow::Owned(part)));
    }
    if let Some(&(first, _)) = targets.first() {
        parts.insert(0, (first, Cow::Owned(tree.subtract(&rest))));
    }
    parts
}

/// The share of one write ([`WRITE_UNIT`] in all) each target gets, in proportion to its
/// share of the window: floored, the first target taking the remainder, like the tree
/// parts of [`split`], so every block containing the whole write counts exactly one write.
fn write_shares(targets: &[(Block, i64)], total: u64) -> Vec<u64> {
    let mut shares: Vec<u64> = targets
        .iter()
        .map(|&(_, share)| {
            let share = u128::from(u64::try_from(share).unwrap_or(0));
            let part = share * u128::from(WRITE_UNIT) / u128::from(total.max(1));
            u64::try_from(part).unwrap_or(WRITE_UNIT)
        })
        .collect();
    let rest: u64 = shares.iter().skip(1).sum();
    if let Some(first) = shares.first_mut() {
        *first = WRITE_UNIT.saturating_sub(rest);
    }
    shares
}

/// Adds `w`'s tree to its slots (and a long write's coarse blocks to their direct copies)
/// and every coarser block above them; each block counts the share of the write that falls
/// in it (one whole write for a block holding all of it).
fn add_slots(pending: &mut Pending, id: u64, w: &Write) {
    let total = u64::try_from(w.window.len()).unwrap_or(1).max(1);
    let targets = segments::write_targets(w.window);
    let shares = write_shares(&targets, total);
    let mut touched: BTreeMap<Block, SlotCounts> = BTreeMap::new();
    for ((block, part), share) in split(&w.tree, &targets, total).into_iter().zip(shares) {
        let counts = SlotCounts {
            samples: part.total_ticks().0,
            writes: share,
        };
        let mut own = vec![tables::slot_key(id, block)];
        if block.level > 0 {
            own.push(tables::direct_key(id, block));
        }
        for key in own {
            let entry = pending.slots.entry(key).or_default();
            entry.0.merge_from(&part);
            entry.1.add(counts);
        }
        for target in coarse::ancestors(block) {
            pending
                .coarse
                .entry((id, target))
                .or_default()
                .0
                .merge_from(&part);
            touched.entry(target).or_default().add(counts);
        }
    }
    for (target, counts) in touched {
        pending
            .coarse
            .entry((id, target))
            .or_default()
            .1
            .add(counts);
    }
}

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}
