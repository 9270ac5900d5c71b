//! Averaged series (`inuse_*`, goroutines) read back as the mean of their uploads for any
//! query window holding them, wherever the uploads fall on the 10 s grid (issue 10: an
//! upload straddling a boundary used to count as two writes, halving the average).

use cinder_profile::selector::SeriesKey;
use cinder_profile::Tree;
use cinder_server::base::Window;
use cinder_server::store::{Aggregation, SeriesMeta, Store, Write};
use proptest::prelude::*;

const T: i64 = 1_700_000_000;

fn inuse(from: i64, until: i64, tree: Tree) -> Write {
    Write {
        key: SeriesKey::parse("app.inuse_space{}").unwrap(),
        meta: SeriesMeta {
            spy_name: "test".into(),
            sample_rate: 0,
            units: "bytes".into(),
            aggregation: Aggregation::Average,
        },
        window: Window::snap(from, until),
        tree,
    }
}

fn read(store: &Store, window: Window) -> Tree {
    let series = store.series_of_app("app.inuse_space").unwrap();
    store.read(&series, window).unwrap().tree
}

#[test]
fn two_unaligned_uploads_average_to_their_mean_in_every_window() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .write(vec![
            inuse(T + 1, T + 11, Tree::from_folded("main;alloc 150\n").0),
            inuse(T + 11, T + 21, Tree::from_folded("main;alloc 310\n").0),
        ])
        .unwrap();
    for (start, end) in [
        (T, T + 30),
        (T - 10, T + 40),
        (T - 100, T + 100),
        (T - 3_600, T + 3_600),
        (T - 86_400 * 400, T + 86_400),
    ] {
        let tree = read(&store, Window { start, end });
        assert_eq!(tree.to_folded(), "main;alloc 230\n", "{start}..{end}");
    }
}

fn upload() -> impl Strategy<Value = (i64, i64, Vec<u64>)> {
    // Start within ten minutes, 1–40 s long, three stacks of up to a million bytes.
    (
        0i64..600,
        1i64..40,
        prop::collection::vec(0u64..1_000_000, 3),
    )
}

fn tree_of(values: &[u64]) -> Tree {
    let text: String = ["main;a", "main;b", "gc"]
        .iter()
        .zip(values)
        .filter(|(_, v)| **v > 0)
        .map(|(s, v)| format!("{s} {v}\n"))
        .collect();
    Tree::from_folded(&text).0
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any set of uploads, aligned or not, reads back as the per-node mean (floored) in
    /// every window holding all of them: the same as if each had been one aligned write.
    #[test]
    fn averaged_series_do_not_depend_on_upload_alignment(
        uploads in prop::collection::vec(upload(), 1..6),
        margin_before in 0i64..5_000,
        margin_after in 0i64..5_000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let writes: Vec<Write> = uploads
            .iter()
            .map(|(start, len, values)| inuse(T + start, T + start + len, tree_of(values)))
            .collect();
        let first = writes.iter().map(|w| w.window.start).min().unwrap();
        let last = writes.iter().map(|w| w.window.end).max().unwrap();
        // One batch, and again one upload per batch: batching must not matter either.
        store.write(writes.clone()).unwrap();
        let dir2 = tempfile::tempdir().unwrap();
        let one_by_one = Store::open(dir2.path()).unwrap();
        for w in &writes {
            one_by_one.write(vec![w.clone()]).unwrap();
        }
        let mut expected = Tree::merge(writes.iter().map(|w| &w.tree));
        expected.divide(writes.len() as u64);
        let window = Window::snap(first - margin_before, last + margin_after);
        prop_assert_eq!(read(&store, window).to_folded(), expected.to_folded());
        prop_assert_eq!(read(&one_by_one, window).to_folded(), expected.to_folded());
    }
}
