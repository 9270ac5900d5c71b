//! Retention policies (spec §6.4) through the store, the background job's passes and HTTP:
//! per-level ages thin fine blocks while reads and renders are answered from the coarse
//! ones (with the timeline's `watermarks`), the size limit brings the store under it and
//! keeps the newest data, passes running during ingestion lose nothing acknowledged that
//! the policy keeps, and uploads older than the retention period are refused.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cinder_profile::selector::SeriesKey;
use cinder_profile::Tree;
use cinder_server::base::Window;
use cinder_server::jobs::retention::{pass, RetentionPolicy};
use cinder_server::store::{Aggregation, SeriesMeta, Store, Write};
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// Aligned to every level of the index (a multiple of 10^8 s).
const T0: i64 = 1_700_000_000;

fn write(key: &str, from: i64, folded: &str) -> Write {
    Write {
        key: SeriesKey::parse(key).unwrap(),
        meta: SeriesMeta {
            spy_name: "pyspy".into(),
            sample_rate: 100,
            units: "samples".into(),
            aggregation: Aggregation::Sum,
        },
        window: Window::snap(from, from + 10),
        tree: Tree::from_folded(folded).0,
    }
}

fn total(store: &Store, app: &str, from: i64, until: i64) -> u64 {
    let series = store.series_of_app(app).unwrap();
    let read = store.read(&series, Window::snap(from, until)).unwrap();
    read.tree.total_ticks().0
}

async fn render(state: &AppState, from: i64, until: i64) -> Value {
    let uri = format!("/render?format=json&query=app.cpu%7B%7D&from={from}&until={until}");
    let resp = app(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

fn level_policy(level0: u64) -> RetentionPolicy {
    RetentionPolicy {
        level_max_age: BTreeMap::from([(0, Duration::from_secs(level0))]),
        ..RetentionPolicy::default()
    }
}

/// 200 uploads of 10 samples, one per 10 s slot of `[T0, T0 + 2000)`.
fn two_thousand_seconds(store: &Store) {
    let writes = (0..200)
        .map(|i| write("app.cpu{}", T0 + i * 10, &format!("main;f{} 10\n", i % 3)))
        .collect();
    store.write(writes).unwrap();
}

#[tokio::test]
async fn level_retention_deletes_fine_blocks_and_reads_answer_from_coarse_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    two_thousand_seconds(&store);
    // Before: a window whose start is inside a 100 s block reads 10 s blocks.
    assert_eq!(total(&store, "app.cpu", T0 + 1_230, T0 + 1_570), 340);
    let now = T0 + 2_000;
    let report = pass(&store, &level_policy(500), now).await.unwrap();
    // Level 0 ending at or before now - 500 s goes: 150 blocks of 10 s.
    assert_eq!(report.blocks, 150, "{report:?}");
    assert_eq!(store.marks().levels[0], T0 + 1_500);
    assert_eq!(store.marks().levels[1], 0, "coarser levels are kept");
    assert_eq!(total(&store, "app.cpu", T0 + 1_230, T0 + 1_570), 340);
    // What was deleted stays deleted after a restart (the marks are stored), and the
    // coarse blocks open until then are stored at close.
    store.close().unwrap();
    drop(store);
    let store = Arc::new(Store::open(dir.path()).unwrap());
    assert_eq!(store.marks().levels[0], T0 + 1_500);
    let state = AppState::new(Assets::Missing, Arc::clone(&store), Settings::default());
    // [T0+1230, T0+1500) comes from 100 s blocks: 70 % of [1200, 1300) and two whole
    // ones; the rest from 10 s blocks. The data is uniform, so the total is exact.
    let v = render(&state, T0 + 1_230, T0 + 1_570).await;
    assert_eq!(v["flamebearer"]["numTicks"], 340, "{v}");
    // Whole coarse blocks answer exactly.
    let v = render(&state, T0, T0 + 2_000).await;
    assert_eq!(v["flamebearer"]["numTicks"], 2_000);
    let timeline = &v["timeline"];
    assert_eq!(timeline["watermarks"], serde_json::json!({"1": T0 + 1_500}));
    let samples: Vec<u64> = serde_json::from_value(timeline["samples"].clone()).unwrap();
    assert_eq!(samples.len(), 200);
    // Before the watermark one point per 100 s holds its block (the original's timeline
    // shows coarse nodes at their start); after it, every 10 s point.
    assert_eq!(&samples[..11], &[101, 0, 0, 0, 0, 0, 0, 0, 0, 0, 101]);
    assert_eq!(samples[150..].iter().filter(|&&s| s == 11).count(), 50);
    assert_eq!(
        samples.iter().map(|s| s.saturating_sub(1)).sum::<u64>(),
        2_000
    );
}

#[tokio::test]
async fn without_the_fine_blocks_a_partial_coarse_block_is_scaled_by_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    // All of a 100 s block's samples in its first 10 s: once level 0 is gone, a read of
    // [T0+50, T0+80) gets 30 % of the block, as the original reads a coarse node.
    store
        .write(vec![
            write("app.cpu{}", T0, "a 100\n"),
            write("app.cpu{}", T0 + 5_000, "b 1\n"),
        ])
        .unwrap();
    assert_eq!(total(&store, "app.cpu", T0 + 50, T0 + 80), 0);
    pass(&store, &level_policy(1_000), T0 + 5_010)
        .await
        .unwrap();
    assert_eq!(total(&store, "app.cpu", T0 + 50, T0 + 80), 30);
    assert_eq!(total(&store, "app.cpu", T0, T0 + 100), 100);
}

/// Writes `series` series of 10 s uploads over `[T0, T0 + secs)` with `stacks` distinct
/// stacks each, in batches.
fn fill(store: &Store, series: usize, secs: i64, stacks: usize) {
    for t in (0..secs).step_by(10) {
        let writes = (0..series)
            .map(|s| {
                let folded: String = (0..stacks)
                    .map(|k| {
                        format!(
                            "main;handler_{s};work_{k};leaf_{} {}\n",
                            (k * 7 + s) % 13,
                            1 + k % 5
                        )
                    })
                    .collect();
                write(&format!("app.cpu{{pod=p{s}}}"), T0 + t, &folded)
            })
            .collect();
        store.write(writes).unwrap();
    }
}

#[tokio::test]
async fn the_size_limit_brings_the_store_under_it_and_keeps_the_newest_data() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let secs = 6_000;
    fill(&store, 8, secs, 60);
    let newest_before = total(&store, "app.cpu", T0 + secs - 600, T0 + secs);
    store.flush_data().unwrap();
    let before = store.table_bytes();
    let max = before / 3;
    let policy = RetentionPolicy {
        max_disk_bytes: Some(max),
        ..RetentionPolicy::default()
    };
    let report = pass(&store, &policy, T0 + secs).await.unwrap();
    assert!(report.size_steps > 0, "{report:?}");
    let after = store.table_bytes();
    assert!(after <= max, "{after} > {max} (was {before}): {report:?}");
    assert_eq!(report.table_bytes, Some(after));
    assert!(newest_before > 0);
    assert_eq!(
        total(&store, "app.cpu", T0 + secs - 600, T0 + secs),
        newest_before,
        "the last 10 minutes are kept whole"
    );
    assert!(
        total(&store, "app.cpu", T0, T0 + 600) < newest_before,
        "the oldest data went first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passes_during_ingestion_lose_nothing_the_policy_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let slots = 600;
    // The writer's clock: the end of the last acknowledged upload.
    let now = Arc::new(AtomicI64::new(T0));
    let writer = {
        let (store, now) = (Arc::clone(&store), Arc::clone(&now));
        std::thread::spawn(move || {
            for i in 0..slots {
                let t = T0 + i * 10;
                store
                    .write(vec![write("app.cpu{}", t, &format!("f{} 3\n", i % 5))])
                    .unwrap();
                now.store(t + 10, Ordering::SeqCst);
            }
        })
    };
    let policy = RetentionPolicy {
        max_age: Some(Duration::from_secs(3_000)),
        // Shorter than a 100 s block: the open 100 s block's children go through it.
        level_max_age: BTreeMap::from([(0, Duration::from_secs(50))]),
        ..RetentionPolicy::default()
    };
    let mut passes = 0;
    let mut deleted = 0;
    while !writer.is_finished() {
        let r = pass(&store, &policy, now.load(Ordering::SeqCst))
            .await
            .unwrap();
        deleted += r.blocks;
        passes += 1;
        tokio::task::yield_now().await;
    }
    writer.join().unwrap();
    let end = T0 + slots * 10;
    deleted += pass(&store, &policy, end).await.unwrap().blocks;
    assert!(
        passes > 1 && deleted > 0,
        "{passes} passes, {deleted} deleted"
    );
    // Everything inside the retention period reads back exactly: the last 50 s from
    // 10 s blocks, the rest from 100 s blocks (the last one halved: the data is uniform
    // enough for that to be exact).
    let start = end - 3_000;
    let series = store.series_of_app("app.cpu").unwrap();
    let read = store.read(&series, Window::snap(start, end)).unwrap();
    let mut expected = Tree::new();
    for i in (start - T0) / 10..slots {
        expected.merge_from(&Tree::from_folded(&format!("f{} 3\n", i % 5)).0);
    }
    assert_eq!(read.tree.to_folded(), expected.to_folded());
    // And nothing older is read.
    assert_eq!(total(&store, "app.cpu", T0, start), 0);
}

#[tokio::test]
async fn an_open_block_whose_children_were_deleted_is_rebuilt_whole_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    // Ten 10 s uploads in the 100 s block [T0, T0 + 100), which stays open.
    let writes = (0..10)
        .map(|i| write("app.cpu{}", T0 + i * 10, "a 10\n"))
        .collect();
    store.write(writes).unwrap();
    let report = pass(&store, &level_policy(30), T0 + 100).await.unwrap();
    assert_eq!(report.blocks, 7, "the 10 s blocks ending by T0 + 70 go");
    // A late upload into a child that is left.
    store
        .write(vec![write("app.cpu{}", T0 + 90, "a 5\n")])
        .unwrap();
    let check = |store: &Store, when: &str| {
        assert_eq!(total(store, "app.cpu", T0, T0 + 100), 105, "{when}");
        assert_eq!(total(store, "app.cpu", T0, T0 + 1_000), 105, "{when}");
        assert_eq!(total(store, "app.cpu", T0 + 70, T0 + 100), 35, "{when}");
        assert_eq!(
            total(store, "app.cpu", T0, T0 + 50),
            52,
            "{when}: half the block"
        );
    };
    check(&store, "open");
    // A crash: the open blocks are rebuilt from what is stored.
    let store = Arc::into_inner(store).unwrap();
    drop(store);
    let store = Arc::new(Store::open(dir.path()).unwrap());
    check(&store, "rebuilt");
    // Sealed again, every child gone: still whole, open, rebuilt and closed.
    let report = pass(&store, &level_policy(30), T0 + 130).await.unwrap();
    assert_eq!(report.blocks, 3);
    assert_eq!(total(&store, "app.cpu", T0, T0 + 100), 105);
    let store = Arc::into_inner(store).unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(total(&store, "app.cpu", T0, T0 + 100), 105, "rebuilt twice");
    store.close().unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(total(&store, "app.cpu", T0, T0 + 100), 105, "closed");
}

#[tokio::test]
async fn uploads_older_than_the_retention_period_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let settings = Settings {
        retention: Some(Duration::from_secs(86_400)),
        ..Settings::default()
    };
    let state = AppState::new(Assets::Missing, Arc::clone(&store), settings);
    let now = state.now();
    let post = |from: i64| {
        Request::post(format!(
            "/ingest?name=old.cpu&from={from}&until={}",
            from + 10
        ))
        .body(Body::from("main;work 5\n"))
        .unwrap()
    };
    // The original answers 200 here and drops the data silently.
    let resp = app(state.clone())
        .oneshot(post(now - 2 * 86_400))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8_lossy(&body);
    assert!(
        body.contains("before the retention boundary") && body.contains("nothing was stored"),
        "{body}"
    );
    assert!(store.all_series().unwrap().is_empty(), "nothing stored");
    assert!(store.apps().unwrap().is_empty());
    // Data inside the period is accepted.
    let resp = app(state).oneshot(post(now - 3_600)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(store.all_series().unwrap().len(), 1);
}

#[tokio::test]
async fn series_left_without_data_are_deleted_with_their_dictionaries() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    store
        .write(vec![
            write("gone.cpu{}", T0, "a;b;c 1\n"),
            write("kept.cpu{}", T0 + 100_000, "x 1\n"),
        ])
        .unwrap();
    // A clean close stores the open coarse blocks, so nothing is held back for a crash.
    store.close().unwrap();
    let policy = RetentionPolicy::max_age(Some(Duration::from_secs(50_000)));
    let report = pass(&store, &policy, T0 + 100_010).await.unwrap();
    assert_eq!(report.series, 1, "{report:?}");
    let apps: Vec<String> = store.apps().unwrap().into_iter().map(|(a, _)| a).collect();
    assert_eq!(apps, ["kept.cpu"]);
    // A new write to the deleted series starts it afresh.
    store
        .write(vec![write("gone.cpu{}", T0 + 100_000, "z 2\n")])
        .unwrap();
    let series = store.series_of_app("gone.cpu").unwrap();
    let read = store
        .read(&series, Window::snap(T0 + 100_000, T0 + 100_010))
        .unwrap();
    assert_eq!(read.tree.to_folded(), "z 2\n");
}
