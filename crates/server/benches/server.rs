//! Server benchmarks, run with `cargo bench -p cinder-server --bench server`:
//!
//! 1. ingest throughput: real agent pprof bodies (the Node agent's gzipped wall profile from
//!    `tests/fixtures/agents`) POSTed to `/ingest` through the router by concurrent clients, each
//!    acknowledged only after its data is durable (fsync);
//! 2. `/render` latency over 1 h, 24 h, 30 d and 1 y of seeded data;
//! 3. disk bytes per ingested sample.
//!
//! Numbers are printed as a table; nothing is asserted (measurement lives here, not in tests).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cinder_profile::selector::SeriesKey;
use cinder_profile::{Ticks, Tree};
use cinder_server::base::Window;
use cinder_server::store::{Aggregation, SeriesMeta, Store, Write};
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// mimalloc: profile parsing and merging allocate many small nodes; the system allocator
/// spent about a fifth of ingestion time in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const UPLOADS: usize = 4_000;
const CLIENTS: usize = 64;
const SERIES: usize = 50;

fn fixture(path: &str) -> Vec<u8> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/agents/");
    std::fs::read(format!("{root}{path}")).expect("agent captures in tests/fixtures/agents")
}

async fn ingest_throughput(rt_state: AppState, body: Arc<Vec<u8>>) -> (f64, Duration) {
    let t0 = Instant::now();
    let base = 1_800_000_000i64;
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let state = rt_state.clone();
        let body = Arc::clone(&body);
        tasks.push(tokio::spawn(async move {
            let mut i = c;
            while i < UPLOADS {
                let from = base + 10 * (i / SERIES) as i64;
                let uri = format!(
                    "/ingest?format=pprof&name=bench.app%7Bhost%3Dh{}%7D&from={from}&until={}&spyName=nodespy",
                    i % SERIES,
                    from + 10
                );
                let req = Request::post(uri).body(Body::from(body.as_ref().clone())).unwrap();
                let resp = app(state.clone()).oneshot(req).await.unwrap();
                assert_eq!(resp.status(), StatusCode::OK);
                i += CLIENTS;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = t0.elapsed();
    (UPLOADS as f64 / elapsed.as_secs_f64(), elapsed)
}

/// A realistic-looking tree of about `n` nodes: a few services, handlers and leaves.
fn synthetic_tree(seed: u64, n: usize) -> Tree {
    let mut tree = Tree::new();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as usize
    };
    for _ in 0..n / 4 {
        let depth = 4 + next() % 8;
        let frames: Vec<String> = (0..depth)
            .map(|d| format!("pkg{}.func_{}_{}", d % 5, d, next() % (3 + d * 2)))
            .collect();
        tree.insert_stack(
            frames.iter().map(String::as_str),
            Ticks(1 + (next() % 20) as u64),
        );
    }
    tree
}

fn seed_year(store: &Store, now: i64) {
    let meta = SeriesMeta {
        spy_name: "gospy".into(),
        sample_rate: 100,
        units: "samples".into(),
        aggregation: Aggregation::Sum,
    };
    let key = SeriesKey::parse("seeded.cpu{env=prod}").unwrap();
    let mut batch = Vec::new();
    let mut t = now - 365 * 86_400;
    let mut i = 0u64;
    while t < now {
        // Every 10 s for the last day, every 10 minutes before.
        let step = if now - t <= 86_400 { 10 } else { 600 };
        batch.push(Write {
            key: key.clone(),
            meta: meta.clone(),
            window: Window::snap(t, t + 10),
            tree: synthetic_tree(i % 64, 1_200),
        });
        if batch.len() == 2_000 {
            store.write(std::mem::take(&mut batch)).unwrap();
        }
        t += step;
        i += 1;
    }
    store.write(batch).unwrap();
}

async fn render_latency(state: &AppState, now: i64, span: i64) -> (Duration, u64) {
    let uri = format!(
        "/render?format=json&query=seeded.cpu%7B%7D&from={}&until={now}&max-nodes=1024",
        now - span
    );
    let mut best = Duration::MAX;
    let mut ticks = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        let resp = app(state.clone())
            .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        best = best.min(t0.elapsed());
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        ticks = v["flamebearer"]["numTicks"].as_u64().unwrap();
    }
    (best, ticks)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("ingest")).unwrap());
    let state = AppState::new(Assets::Missing, Arc::clone(&store), Settings::default());
    let body = Arc::new(fixture("node-pyroscope-nodejs-0.6.4-ingest-pprof/0001.bin"));
    let samples_per_upload = cinder_profile::pprof::decode(&body, &Default::default())
        .unwrap()
        .merged(0)
        .total_ticks()
        .0;
    let (rate, elapsed) = rt.block_on(ingest_throughput(state, Arc::clone(&body)));
    println!("ingest: {UPLOADS} uploads of {} B gzip pprof ({samples_per_upload} samples each), {CLIENTS} clients, {SERIES} series", body.len());
    println!(
        "ingest: {rate:.0} uploads/s ({:.2} s), every upload fsynced before its 200",
        elapsed.as_secs_f64()
    );
    let disk = store.flushed_table_bytes().unwrap();
    let samples = samples_per_upload * UPLOADS as u64;
    println!(
        "disk: {disk} B of lz4-compressed tables for {samples} samples = {:.3} B/sample",
        disk as f64 / samples as f64
    );

    if std::env::var_os("BENCH_INGEST_ONLY").is_some() {
        return;
    }
    let store = Arc::new(Store::open(&dir.path().join("render")).unwrap());
    let state = AppState::new(Assets::Missing, Arc::clone(&store), Settings::default());
    let now = 1_800_000_000 / 10 * 10;
    let t0 = Instant::now();
    seed_year(&store, now);
    println!(
        "render: seeded one year (10 s writes for the last day, 10 min before) in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    for (label, span) in [
        ("1h", 3_600),
        ("24h", 86_400),
        ("30d", 30 * 86_400),
        ("1y", 365 * 86_400),
    ] {
        let (latency, ticks) = rt.block_on(render_latency(&state, now, span));
        println!(
            "render {label:>4}: {:7.2} ms (best of 5), numTicks {ticks}",
            latency.as_secs_f64() * 1e3
        );
    }
}
