//! Node dictionaries of series ([`cinder_profile::dict`]): stored trees are values at
//! dictionary indexes, so each series' call paths and names are stored once, in the
//! `nodes` keyspace, as chunks appended by the write batch that first used them. Loaded on
//! first use and cached; the writer appends to the cached dictionary before committing (a
//! reader may see entries not yet committed, which is harmless: trees refer only to
//! committed ones) and rolls back if the commit fails.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use cinder_profile::dict::NodeDict;

use super::{corrupt, tables, Store, StoreError};

/// One series' dictionary, shared by the writer and readers.
pub(super) type SharedDict = Arc<RwLock<NodeDict>>;

/// The cache of loaded dictionaries.
#[derive(Default)]
pub(super) struct Dicts {
    map: Mutex<HashMap<u64, SharedDict>>,
}

pub(super) fn read(d: &SharedDict) -> RwLockReadGuard<'_, NodeDict> {
    d.read().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn write(d: &SharedDict) -> RwLockWriteGuard<'_, NodeDict> {
    d.write().unwrap_or_else(PoisonError::into_inner)
}

impl Dicts {
    fn get(&self, series: u64) -> Option<SharedDict> {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&series)
            .cloned()
    }

    /// Caches `dict` unless another thread cached one first; returns the cached one.
    fn insert(&self, series: u64, dict: NodeDict) -> SharedDict {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            map.entry(series)
                .or_insert_with(|| Arc::new(RwLock::new(dict))),
        )
    }

    /// Drops a deleted series' dictionary.
    pub(super) fn forget(&self, series: u64) {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&series);
    }
}

impl Store {
    /// Loads every series' dictionary (at open: the `nodes` keyspace is small, names being
    /// stored once per series, and the first query after a restart should not pay for it).
    pub(super) fn load_dicts(&self) -> Result<(), StoreError> {
        let mut loaded: HashMap<u64, NodeDict> = HashMap::new();
        for g in self.nodes.iter() {
            let (k, chunk) = g.into_inner()?;
            loaded
                .entry(tables::key_series(&k))
                .or_default()
                .extend_from_bytes(&chunk)
                .map_err(|e| corrupt("node dictionary", e))?;
        }
        for (series, dict) in loaded {
            self.dicts.insert(series, dict);
        }
        Ok(())
    }

    /// The dictionary of `series`, loaded from `nodes` on first use.
    pub(super) fn dict(&self, series: u64) -> Result<SharedDict, StoreError> {
        if let Some(d) = self.dicts.get(series) {
            return Ok(d);
        }
        let mut dict = NodeDict::new();
        for g in self.nodes.prefix(tables::series_prefix(series)) {
            let chunk = g.value()?;
            dict.extend_from_bytes(&chunk)
                .map_err(|e| corrupt("node dictionary", e))?;
        }
        Ok(self.dicts.insert(series, dict))
    }
}

/// State of the batch being built: the dictionaries it may grow, with their length before
/// it (what to persist after encoding, and what to roll back to if the batch fails), and
/// the slot values it already wrote (a later read-modify-write of the same slot in the
/// batch must start from them, not from the committed value).
#[derive(Default)]
pub(super) struct Growth {
    pub(super) dicts: HashMap<u64, (SharedDict, usize)>,
    pub(super) written: HashMap<[u8; 17], super::coarse::Delta>,
}

impl Growth {
    /// The dictionary of `series`, remembering its length the first time.
    pub(super) fn dict(&mut self, store: &Store, series: u64) -> Result<SharedDict, StoreError> {
        if let Some((d, _)) = self.dicts.get(&series) {
            return Ok(Arc::clone(d));
        }
        let d = store.dict(series)?;
        let len = read(&d).len();
        self.dicts.insert(series, (Arc::clone(&d), len));
        Ok(d)
    }

    /// Adds the new entries of every grown dictionary to `batch`.
    pub(super) fn persist(&self, store: &Store, batch: &mut fjall::OwnedWriteBatch) {
        for (&series, (d, from)) in &self.dicts {
            let d = read(d);
            if d.len() > *from {
                batch.insert(
                    &store.nodes,
                    tables::node_key(series, *from),
                    d.entries_bytes(*from),
                );
            }
        }
    }

    /// Forgets what the failed batch added.
    pub(super) fn roll_back(&self) {
        for (d, from) in self.dicts.values() {
            write(d).truncate(*from);
        }
    }
}
