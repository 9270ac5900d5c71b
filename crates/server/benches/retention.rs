//! Retention soak benchmark (issue 14), run with `make bench-retention` (or `cargo bench
//! -p cinder-server --bench retention`). Never part of `make test`.
//!
//! Ingests continuously into a fresh store for a bounded time while the retention job's
//! passes run beside it with a small policy, and prints, every 5 s, the store's size on
//! disk (tables, and the whole data directory with the journal), the retention marks, the
//! blocks deleted so far and the ingest rate with its slowest batch, so the size can be
//! seen levelling off while ingestion goes on.
//!
//! Workload: `BENCH_RETENTION_SERIES` series (default 600) each upload a 10 s profile of
//! 400 stacks drawn from a pool of 1000 every 10 s (wall clock), in batches of 100 uploads
//! (one fsynced commit each), as many agents would.
//! Policy: level 0 (10 s blocks) kept `BENCH_RETENTION_LEVEL0` seconds (default 30),
//! tables capped at `BENCH_RETENTION_MAX_MB` MB (default 6), everything older than 1 h
//! expired. Runs `BENCH_RETENTION_SECS` seconds (default 180).
//! Nothing is asserted: this is measurement, not a test.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cinder_profile::selector::SeriesKey;
use cinder_profile::{Ticks, Tree};
use cinder_server::base::{clock, Window};
use cinder_server::jobs::retention::{pass, RetentionPolicy};
use cinder_server::store::{Aggregation, SeriesMeta, Store, Write};

const STACKS_PER_PROFILE: usize = 400;
const POOL: u64 = 1_000;
const BATCH: usize = 100;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (no dependency for one benchmark).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// One 10 s profile: 400 stacks of a pool of 1000, each 5 frames of a 4-way call tree
/// below `main` (as a program's stacks share their frames).
fn profile(rng: &mut Rng) -> Tree {
    let mut tree = Tree::new();
    for _ in 0..STACKS_PER_PROFILE {
        let id = rng.below(POOL);
        let mut frames = vec!["main".to_string()];
        frames.extend((0..5).map(|d| format!("pkg{}.fn{}", d, (id >> (2 * d)) % 4)));
        tree.insert_stack(frames.iter().map(String::as_str), Ticks(1 + rng.below(20)));
    }
    tree
}

fn dir_bytes(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Uploads every series' profile of each 10 s window until `stop`; counts uploads and the
/// slowest commit.
fn ingest(
    store: &Store,
    series: usize,
    stop: &AtomicBool,
    uploads: &AtomicU64,
    slowest_us: &AtomicU64,
) {
    let mut rng = Rng(7);
    let meta = SeriesMeta {
        spy_name: "gospy".into(),
        sample_rate: 100,
        units: "samples".into(),
        aggregation: Aggregation::Sum,
    };
    let mut window_start = clock::unix_now().div_euclid(10) * 10;
    while !stop.load(Ordering::Relaxed) {
        let window = Window::snap(window_start, window_start + 10);
        for chunk in (0..series).collect::<Vec<_>>().chunks(BATCH) {
            let writes = chunk
                .iter()
                .map(|&s| Write {
                    key: SeriesKey::parse(&format!("soak.cpu{{pod=pod-{s}}}")).unwrap(),
                    meta: meta.clone(),
                    window,
                    tree: profile(&mut rng),
                })
                .collect();
            let t = Instant::now();
            store.write(writes).expect("write");
            let us = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
            slowest_us.fetch_max(us, Ordering::Relaxed);
            uploads.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            if stop.load(Ordering::Relaxed) {
                return;
            }
        }
        // Next window: wait for the wall clock to reach it (agents send every 10 s).
        window_start += 10;
        while clock::unix_now() < window_start + 10 && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn main() {
    let secs = env("BENCH_RETENTION_SECS", 180);
    let series = usize::try_from(env("BENCH_RETENTION_SERIES", 600)).unwrap_or(600);
    let level0 = env("BENCH_RETENTION_LEVEL0", 30);
    let max_mb = env("BENCH_RETENTION_MAX_MB", 6);
    let policy = RetentionPolicy {
        max_age: Some(Duration::from_secs(3_600)),
        level_max_age: BTreeMap::from([(0, Duration::from_secs(level0))]),
        max_disk_bytes: Some(max_mb * 1_000_000),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(Store::open(dir.path()).expect("open store"));
    println!(
        "retention soak: {secs} s, {series} series x 1 profile / 10 s ({STACKS_PER_PROFILE} stacks), \
         level 0 kept {level0} s, tables capped at {max_mb} MB, passes every {:?}",
        policy.interval()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let uploads = Arc::new(AtomicU64::new(0));
    let slowest = Arc::new(AtomicU64::new(0));
    let writer = {
        let (store, stop, uploads, slowest) = (
            Arc::clone(&store),
            Arc::clone(&stop),
            Arc::clone(&uploads),
            Arc::clone(&slowest),
        );
        std::thread::spawn(move || ingest(&store, series, &stop, &uploads, &slowest))
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let deleted = Arc::new(AtomicU64::new(0));
    let job = {
        let (store, policy, deleted) = (Arc::clone(&store), policy, Arc::clone(&deleted));
        rt.spawn(async move {
            let mut tick = tokio::time::interval(policy.interval());
            loop {
                tick.tick().await;
                let t = Instant::now();
                match pass(&store, &policy, clock::unix_now()).await {
                    Ok(r) => {
                        deleted.fetch_add(r.blocks as u64, Ordering::Relaxed);
                        if std::env::var_os("BENCH_RETENTION_VERBOSE").is_some() {
                            eprintln!("pass: {:?} in {:?}", r, t.elapsed());
                        }
                    }
                    Err(e) => eprintln!("retention pass failed: {e}"),
                }
            }
        })
    };
    println!(
        "{:>5} {:>10} {:>10} {:>8} {:>10} {:>9} {:>11} {:>12} {:>9}",
        "t (s)",
        "tables MB",
        "blocks MB",
        "dicts MB",
        "dir MB",
        "uploads",
        "uploads/s",
        "slowest ms",
        "deleted"
    );
    let start = Instant::now();
    let mut last_uploads = 0;
    let mut samples = Vec::new();
    while start.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_secs(5));
        let n = uploads.load(Ordering::Relaxed);
        let tables = store.table_bytes();
        let (blocks, dicts) = store.data_table_bytes();
        let all = dir_bytes(dir.path());
        let t = start.elapsed().as_secs();
        println!(
            "{t:>5} {:>10.2} {:>10.2} {:>8.2} {:>10.2} {n:>9} {:>11.0} {:>12.1} {:>9}",
            mb(tables),
            mb(blocks),
            mb(dicts),
            mb(all),
            (n - last_uploads) as f64 / 5.0,
            slowest.swap(0, Ordering::Relaxed) as f64 / 1000.0,
            deleted.load(Ordering::Relaxed),
        );
        samples.push((t, tables));
        last_uploads = n;
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("writer");
    job.abort();
    let marks = store.marks();
    println!(
        "marks: expired {} level0 {} level1 {} (now {})",
        marks.expired,
        marks.levels[0],
        marks.levels[1],
        clock::unix_now()
    );
    let peak = samples.iter().map(|(_, b)| *b).max().unwrap_or(0);
    let half = samples.len() / 2;
    let second_half_max = samples[half..].iter().map(|(_, b)| *b).max().unwrap_or(0);
    println!(
        "tables: peak {:.2} MB, max over the second half {:.2} MB, cap {max_mb} MB; \
         {} uploads, {} blocks deleted",
        mb(peak),
        mb(second_half_max),
        uploads.load(Ordering::Relaxed),
        deleted.load(Ordering::Relaxed)
    );
}
