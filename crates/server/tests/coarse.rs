//! Coarse blocks are accumulated in memory while open (`store/coarse.rs`): reads must see
//! the same data whether a block is open, stored at a clean close, or rebuilt after a crash
//! (the store dropped without `close`), including late writes and long writes aimed at a
//! coarse block directly.

use std::collections::BTreeMap;

use cinder_profile::selector::SeriesKey;
use cinder_profile::Tree;
use cinder_server::base::Window;
use cinder_server::store::{Aggregation, SeriesMeta, Store, Write};

/// Aligned to every level of the index.
const T0: i64 = 1_700_000_000;

fn write(from: i64, until: i64, folded: &str) -> Write {
    Write {
        key: SeriesKey::parse("app.cpu{}").unwrap(),
        meta: SeriesMeta {
            units: "samples".into(),
            aggregation: Aggregation::Sum,
            ..SeriesMeta::default()
        },
        window: Window::snap(from, until),
        tree: Tree::from_folded(folded).0,
    }
}

fn stacks(folded: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in folded.lines() {
        let (stack, n) = line.rsplit_once(' ').unwrap();
        *out.entry(stack.to_string()).or_default() += n.parse::<u64>().unwrap();
    }
    out
}

/// Every write as (window, folded), in the order written.
fn workload() -> Vec<(i64, i64, String)> {
    let mut out: Vec<(i64, i64, String)> = (0..300)
        .map(|i| {
            (
                T0 + 10 * i,
                T0 + 10 * i + 10,
                format!("a;b {}\nc 1\n", i + 1),
            )
        })
        .collect();
    // A long write aimed at one level-2 block, then a short one inside it.
    out.push((T0 + 5_000, T0 + 6_000, "long 9\n".into()));
    out.push((T0 + 5_500, T0 + 5_510, "x 1\n".into()));
    // Late data, in blocks already closed.
    out.push((T0 + 50, T0 + 60, "late 5\n".into()));
    out.push((T0 + 1_230, T0 + 1_240, "late 2\n".into()));
    out
}

const WINDOWS: [(i64, i64); 7] = [
    (T0, T0 + 3_000),
    (T0 + 100, T0 + 1_000),
    (T0, T0 + 10_000),
    (T0 + 5_000, T0 + 6_000),
    (T0 - 86_400, T0 + 86_400),
    (T0, T0 + 100_000_000),
    (T0 + 1_200, T0 + 1_300),
];

fn expected(writes: &[(i64, i64, String)], from: i64, until: i64) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (a, b, folded) in writes {
        if *a >= from && *b <= until {
            for (k, v) in stacks(folded) {
                *out.entry(k).or_default() += v;
            }
        }
    }
    out
}

fn check(store: &Store, writes: &[(i64, i64, String)], when: &str) {
    let series = store.series_of_app("app.cpu").unwrap();
    for (from, until) in WINDOWS {
        let got = store
            .read(&series, Window::snap(from, until))
            .unwrap()
            .tree
            .to_folded();
        assert_eq!(
            stacks(&got),
            expected(writes, from, until),
            "{when}: window {}..{}",
            from - T0,
            until - T0
        );
    }
}

#[test]
fn open_closed_and_rebuilt_coarse_blocks_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let writes = workload();
    let (first, rest) = writes.split_at(150);
    {
        let store = Store::open(dir.path()).unwrap();
        for chunk in first.chunks(7) {
            let batch = chunk.iter().map(|(a, b, f)| write(*a, *b, f)).collect();
            store.write(batch).unwrap();
        }
        check(&store, first, "open blocks");
        // Dropped without `close`: the open blocks' memory is lost, as in a crash.
    }
    {
        let store = Store::open(dir.path()).unwrap();
        check(&store, first, "rebuilt after a crash");
        for (a, b, f) in rest {
            store.write(vec![write(*a, *b, f)]).unwrap();
        }
        check(&store, &writes, "open again");
    }
    {
        let store = Store::open(dir.path()).unwrap();
        check(&store, &writes, "rebuilt after a second crash");
        store.close().unwrap();
        check(&store, &writes, "closed");
    }
    let store = Store::open(dir.path()).unwrap();
    check(&store, &writes, "reopened after a clean close");
    store
        .write(vec![write(T0 + 3_000, T0 + 3_010, "after 4\n")])
        .unwrap();
    let mut all = writes.clone();
    all.push((T0 + 3_000, T0 + 3_010, "after 4\n".into()));
    check(&store, &all, "written after a clean close");
}

#[test]
fn a_slot_written_twice_in_one_batch_keeps_both() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut writes: Vec<(i64, i64, String)> = vec![(T0, T0 + 10, "a 1\n".into())];
    store.write(vec![write(T0, T0 + 10, "a 1\n")]).unwrap();
    // One batch: a later block opens (storing the open ones), and late data for them.
    let batch = [
        (T0 + 20_000, T0 + 20_010, "b 2\n"),
        (T0 + 20, T0 + 30, "c 3\n"),
        (T0 + 30, T0 + 40, "d 4\n"),
    ];
    store
        .write(batch.iter().map(|(a, b, f)| write(*a, *b, f)).collect())
        .unwrap();
    writes.extend(batch.iter().map(|(a, b, f)| (*a, *b, f.to_string())));
    // One batch: a long write stored in its level-2 block, and a short write whose
    // level-2 ancestor is that block, late (the open level-2 block is later).
    let batch = [
        (T0 + 1_000, T0 + 2_000, "long 9\n"),
        (T0 + 1_500, T0 + 1_510, "short 1\n"),
    ];
    store
        .write(batch.iter().map(|(a, b, f)| write(*a, *b, f)).collect())
        .unwrap();
    writes.extend(batch.iter().map(|(a, b, f)| (*a, *b, f.to_string())));
    check(&store, &writes, "open");
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    check(&store, &writes, "rebuilt");
}

#[test]
fn retention_hides_expired_data_even_in_coarse_blocks_that_straddle_the_cutoff() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.write(vec![write(T0, T0 + 10, "old 1\n")]).unwrap();
    store
        .write(vec![write(T0 + 300_000, T0 + 300_010, "new 2\n")])
        .unwrap();
    store.apply_retention(T0 + 200_000).unwrap();
    let series = store.series_of_app("app.cpu").unwrap();
    let read = |store: &Store, from: i64, until: i64| {
        store
            .read(&series, Window::snap(from, until))
            .unwrap()
            .tree
            .to_folded()
    };
    assert_eq!(read(&store, T0, T0 + 100), "", "open 100 s block dropped");
    // The 10^6 s block still holds "old 1" (it had not ended at the cutoff), but reads
    // start at the retention boundary, as the original's do.
    assert_eq!(read(&store, T0, T0 + 1_000_000), "new 2\n");
    store.close().unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(read(&store, T0, T0 + 100), "", "and not stored at close");
    assert_eq!(read(&store, T0, T0 + 1_000_000), "new 2\n");
}
