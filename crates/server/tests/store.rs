//! Store tests through its public API: writes come back from reads over any window, the
//! index levels agree with each other, averaging, deletion, retention and reopening.

use cinder_profile::selector::SeriesKey;
use cinder_profile::Tree;
use cinder_server::base::Window;
use cinder_server::store::{Aggregation, SeriesMeta, Store, Write};

const T0: i64 = 1_700_000_000;

fn tree(folded: &str) -> Tree {
    Tree::from_folded(folded).0
}

fn write(key: &str, from: i64, until: i64, folded: &str) -> Write {
    Write {
        key: SeriesKey::parse(key).unwrap(),
        meta: SeriesMeta {
            spy_name: "pyspy".into(),
            sample_rate: 100,
            units: "samples".into(),
            aggregation: Aggregation::Sum,
        },
        window: Window::snap(from, until),
        tree: tree(folded),
    }
}

fn read_folded(store: &Store, app: &str, from: i64, until: i64) -> String {
    let series = store.series_of_app(app).unwrap();
    store
        .read(&series, Window::snap(from, until))
        .unwrap()
        .tree
        .to_folded()
}

#[test]
fn a_write_reads_back_over_windows_of_every_size() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .write(vec![write(
            "app.cpu{env=prod}",
            T0,
            T0 + 10,
            "main;work 40\nmain;idle 10\n",
        )])
        .unwrap();
    for (from, until) in [
        (T0, T0 + 10),
        (T0 - 3_600, T0 + 3_600),
        (T0 - 400 * 86_400, T0 + 10 * 86_400),
    ] {
        assert_eq!(
            read_folded(&store, "app.cpu", from, until),
            "main;idle 10\nmain;work 40\n",
            "{from}..{until}"
        );
    }
    assert_eq!(read_folded(&store, "app.cpu", T0 + 10, T0 + 20), "");
    assert_eq!(read_folded(&store, "other.cpu", T0, T0 + 10), "");
}

#[test]
fn writes_to_the_same_series_and_window_are_merged_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .write(vec![write("app.cpu{}", T0, T0 + 10, "a;b 1\n")])
        .unwrap();
    store
        .write(vec![
            write("app.cpu{}", T0, T0 + 10, "a;b 2\na;c 5\n"),
            write("app.cpu{}", T0, T0 + 10, "a 1\n"),
        ])
        .unwrap();
    assert_eq!(
        read_folded(&store, "app.cpu", T0 - 100, T0 + 100),
        "a 1\na;b 3\na;c 5\n"
    );
    let counts = store
        .samples_at_level(
            &store.series_of_app("app.cpu").unwrap(),
            Window::snap(T0, T0 + 10),
            0,
        )
        .unwrap();
    assert_eq!(counts, [(T0, 9)]);
}

#[test]
fn a_twenty_second_write_is_split_between_its_two_slots() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .write(vec![write("app.cpu{}", T0, T0 + 20, "a 10\n")])
        .unwrap();
    assert_eq!(read_folded(&store, "app.cpu", T0, T0 + 10), "a 5\n");
    assert_eq!(read_folded(&store, "app.cpu", T0 + 10, T0 + 20), "a 5\n");
    assert_eq!(read_folded(&store, "app.cpu", T0, T0 + 20), "a 10\n");
}

#[test]
fn averaged_series_divide_by_the_number_of_writes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut w1 = write("app.inuse_space{}", T0, T0 + 10, "alloc 100\n");
    w1.meta.aggregation = Aggregation::Average;
    let mut w2 = write("app.inuse_space{}", T0 + 10, T0 + 20, "alloc 300\n");
    w2.meta.aggregation = Aggregation::Average;
    store.write(vec![w1, w2]).unwrap();
    assert_eq!(
        read_folded(&store, "app.inuse_space", T0, T0 + 20),
        "alloc 200\n"
    );
    assert_eq!(
        read_folded(&store, "app.inuse_space", T0 - 86_400, T0 + 86_400),
        "alloc 200\n"
    );
}

#[test]
fn labels_and_apps_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .write(vec![
            write("b.cpu{env=prod,region=eu}", T0, T0 + 10, "a 1\n"),
            write("b.cpu{env=dev}", T0, T0 + 10, "a 1\n"),
            write("a.alloc_space{host=x}", T0, T0 + 10, "a 1\n"),
        ])
        .unwrap();
    assert_eq!(
        store.label_keys(Some("b.cpu")).unwrap(),
        ["__name__", "env", "region"]
    );
    assert_eq!(
        store.label_keys(None).unwrap(),
        ["__name__", "env", "host", "region"]
    );
    assert_eq!(
        store.label_values("env", Some("b.cpu")).unwrap(),
        ["dev", "prod"]
    );
    assert_eq!(
        store.label_values("__name__", None).unwrap(),
        ["a.alloc_space", "b.cpu"]
    );
    let apps: Vec<String> = store.apps().unwrap().into_iter().map(|(n, _)| n).collect();
    assert_eq!(apps, ["b.cpu", "a.alloc_space"], "insertion order");
}

#[test]
fn deleting_an_app_removes_its_data_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .write(vec![
            write("gone.cpu{}", T0, T0 + 10, "a 1\n"),
            write("kept.cpu{}", T0, T0 + 10, "b 2\n"),
        ])
        .unwrap();
    assert!(store.delete_app("gone.cpu").unwrap());
    assert!(!store.delete_app("gone.cpu").unwrap(), "idempotent");
    assert_eq!(read_folded(&store, "gone.cpu", T0, T0 + 10), "");
    assert_eq!(read_folded(&store, "kept.cpu", T0, T0 + 10), "b 2\n");
    assert_eq!(store.label_values("__name__", None).unwrap(), ["kept.cpu"]);
    // A new series of the deleted app starts from scratch.
    store
        .write(vec![write("gone.cpu{}", T0, T0 + 10, "c 3\n")])
        .unwrap();
    assert_eq!(read_folded(&store, "gone.cpu", T0, T0 + 10), "c 3\n");
}

#[test]
fn retention_removes_old_slots_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .write(vec![
            write("app.cpu{}", T0, T0 + 10, "old 1\n"),
            write("app.cpu{}", T0 + 86_400, T0 + 86_410, "new 2\n"),
        ])
        .unwrap();
    assert!(store.apply_retention(T0 + 3_600).unwrap() > 0);
    assert_eq!(read_folded(&store, "app.cpu", T0, T0 + 10), "");
    assert_eq!(
        read_folded(&store, "app.cpu", T0 + 86_400, T0 + 86_410),
        "new 2\n"
    );
}

#[test]
fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store
            .write(vec![write("app.cpu{x=y}", T0, T0 + 10, "a;b 7\n")])
            .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(read_folded(&store, "app.cpu", T0, T0 + 10), "a;b 7\n");
    store
        .write(vec![write("app.cpu{x=z}", T0, T0 + 10, "c 1\n")])
        .unwrap();
    let ids: Vec<u64> = store
        .series_of_app("app.cpu")
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1], "ids are not reused after reopening");
}
