//! Upgrades of older store layouts, run by [`Store::open`] before anything else reads.
//!
//! Version 1 → 2: `counts.writes` counted whole writes, so an upload straddling a 10 s
//! boundary counted twice in a window holding both of its slots and averaged series read
//! back at half their value. Version 2 counts shares of a write in [`WRITE_UNIT`]s; old
//! counts are multiplied by it (the averages of already stored data stay what they were).
//!
//! Version 2 → 3: versions 1 and 2 stored every tree self-contained (names included,
//! `cinder_profile` codec); version 3 stores values at the indexes of a per-series node
//! dictionary (`nodes`), so every tree is re-encoded and the dictionaries written. A
//! version 1 store gets both changes in one batch.

use std::collections::HashMap;

use cinder_profile::dict::NodeDict;
use cinder_profile::Tree;
use fjall::PersistMode;

use super::tables::{self, SlotCounts, WRITE_UNIT};
use super::{corrupt, Store, StoreError};

impl Store {
    /// Migrates a store of version `from` (1 or 2) to [`tables::FORMAT_VERSION`]: version 1
    /// `counts` values, then every `trees` value and the node dictionaries, and the version,
    /// in one atomic, fsynced batch, so a crash leaves either layout whole.
    pub(super) fn migrate(&self, from: u32) -> Result<(), StoreError> {
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        let mut slots = 0usize;
        for g in self.counts.iter().filter(|_| from == 1) {
            let (k, v) = g.into_inner()?;
            let mut counts = SlotCounts::decode(&v);
            counts.writes = counts.writes.saturating_mul(WRITE_UNIT);
            batch.insert(&self.counts, k, counts.encode());
            slots += 1;
        }
        let mut dicts: HashMap<u64, NodeDict> = HashMap::new();
        for g in self.trees.iter() {
            let (k, v) = g.into_inner()?;
            let tree = Tree::from_bytes(&v).map_err(|e| corrupt("version 1/2 tree", e))?;
            let dict = dicts.entry(tables::key_series(&k)).or_default();
            batch.insert(&self.trees, k, dict.sparse(&tree).to_bytes());
        }
        for (series, dict) in &dicts {
            batch.insert(
                &self.nodes,
                tables::node_key(*series, 1),
                dict.entries_bytes(1),
            );
        }
        batch.insert(
            &self.meta,
            tables::META_FORMAT_VERSION,
            tables::FORMAT_VERSION.to_le_bytes(),
        );
        batch.commit()?;
        tracing::info!(
            from,
            to = tables::FORMAT_VERSION,
            slots,
            "store format migrated"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use cinder_profile::selector::SeriesKey;
    use cinder_profile::Tree;

    use super::*;
    use crate::base::Window;
    use crate::store::{Aggregation, SeriesMeta, Write};

    fn inuse(from: i64, until: i64, folded: &str) -> Write {
        Write {
            key: SeriesKey::parse("app.inuse_space{}").unwrap(),
            meta: SeriesMeta {
                units: "bytes".into(),
                aggregation: Aggregation::Average,
                ..SeriesMeta::default()
            },
            window: Window::snap(from, until),
            tree: Tree::from_folded(folded).0,
        }
    }

    /// Turns a current store into what version 1 wrote for the same aligned writes
    /// (whole write counts, version 1), as a store written by the old binary.
    fn downgrade(store: &Store) {
        for g in store.trees.iter() {
            let (k, v) = g.into_inner().unwrap();
            let dict = store.dict(tables::key_series(&k)).unwrap();
            let dict = crate::store::dicts::read(&dict);
            let sparse = cinder_profile::dict::SparseTree::from_bytes(&v, dict.len()).unwrap();
            store
                .trees
                .insert(k, dict.tree(&sparse).to_bytes())
                .unwrap();
        }
        for g in store.nodes.iter() {
            store.nodes.remove(g.key().unwrap()).unwrap();
        }
        for g in store.counts.iter() {
            let (k, v) = g.into_inner().unwrap();
            let mut counts = SlotCounts::decode(&v);
            assert_eq!(counts.writes % WRITE_UNIT, 0, "aligned writes count whole");
            counts.writes /= WRITE_UNIT;
            store.counts.insert(k, counts.encode()).unwrap();
        }
        store
            .meta
            .insert(tables::META_FORMAT_VERSION, 1u32.to_le_bytes())
            .unwrap();
        store.db.persist(PersistMode::SyncAll).unwrap();
    }

    #[test]
    fn a_version_1_store_is_migrated_and_reads_the_same() {
        const T: i64 = 1_700_000_000;
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store
                .write(vec![
                    inuse(T, T + 10, "a 100\n"),
                    inuse(T + 10, T + 20, "a 300\n"),
                ])
                .unwrap();
            downgrade(&store);
        }
        let store = Store::open(dir.path()).unwrap();
        let version = store
            .meta
            .get(tables::META_FORMAT_VERSION)
            .unwrap()
            .unwrap();
        assert_eq!(version.as_ref(), tables::FORMAT_VERSION.to_le_bytes());
        let series = store.series_of_app("app.inuse_space").unwrap();
        for (from, until) in [(T, T + 20), (T - 86_400, T + 86_400), (T + 10, T + 20)] {
            let read = store
                .read(
                    &series,
                    Window {
                        start: from,
                        end: until,
                    },
                )
                .unwrap();
            let want = if from == T + 10 { "a 300\n" } else { "a 200\n" };
            assert_eq!(read.tree.to_folded(), want, "{from}..{until}");
        }
        // Reopening a migrated store changes nothing.
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        let series = store.series_of_app("app.inuse_space").unwrap();
        let read = store
            .read(
                &series,
                Window {
                    start: T,
                    end: T + 20,
                },
            )
            .unwrap();
        assert_eq!(read.tree.to_folded(), "a 200\n");
    }

    #[test]
    fn a_newer_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store
                .meta
                .insert(
                    tables::META_FORMAT_VERSION,
                    (tables::FORMAT_VERSION + 1).to_le_bytes(),
                )
                .unwrap();
            store.db.persist(PersistMode::SyncAll).unwrap();
        }
        let err = Store::open(dir.path()).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Version { found, expected }
                    if found == tables::FORMAT_VERSION + 1 && expected == tables::FORMAT_VERSION
            ),
            "{err}"
        );
    }
}
