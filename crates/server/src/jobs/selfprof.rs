//! The server profiles itself (pprof-rs, 100 Hz) and stores the result as the app
//! `cinder.server.cpu`, so a new user finds a real flamegraph the first minute, and the
//! server's own hot paths are visible in the product. `--no-self-profiling` turns it off.
//!
//! Cost: pprof-rs keeps its samples in a fixed table that is allocated and written in full.
//! The release's table is about 115 MB, resident for the server's whole life; the vendored
//! copy (`vendor/pprof`) has one of 3.6 MB, so profiling costs a few MB (a test holds a
//! default server's idle RSS under 64 MB).
//!
//! Its profiles go through the write queue like every upload, so they share its batching
//! and its one writer thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cinder_profile::selector::SeriesKey;
use cinder_profile::{Ticks, Tree};

use crate::base::clock::unix_now;
use crate::base::Window;
use crate::ingest::WriteQueue;
use crate::store::{Aggregation, SeriesMeta, Write};

/// Application name of the server's own CPU profile.
pub const APP: &str = "cinder.server.cpu";
/// Sampling frequency, Hz.
const FREQUENCY: i32 = 100;
/// Default length of one profile, as agents use: profiles end on 10 s boundaries.
pub const PERIOD: Duration = Duration::from_secs(10);

/// Starts the profiling thread; it stops after its current period once `stop` is set.
/// Each profile lasts until the next multiple of `period` (whole seconds, at least 1).
pub fn start(queue: WriteQueue, stop: Arc<AtomicBool>, period: Duration) {
    let period = i64::try_from(period.as_secs()).unwrap_or(i64::MAX).max(1);
    let spawned = std::thread::Builder::new()
        .name("cinder-selfprof".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Err(e) = profile_one_period(&queue, &stop, period) {
                    tracing::warn!(error = %e, "self-profiling stopped");
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start self-profiling");
    }
}

/// Profiles until the next multiple of `period` seconds, then stores what was sampled in
/// the 10 s window holding that time.
fn profile_one_period(queue: &WriteQueue, stop: &AtomicBool, period: i64) -> Result<(), String> {
    let guard = pprof::ProfilerGuard::new(FREQUENCY).map_err(|e| e.to_string())?;
    let start = unix_now();
    let end = (start.div_euclid(period) + 1) * period;
    let window = Window::snap(start, start);
    while unix_now() < end && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let report = guard.report().build().map_err(|e| e.to_string())?;
    drop(guard);
    // Symbol resolution parses and caches the debug info of the binary and its libraries
    // (tens of MB where separate debug files are installed); free it until the next period.
    backtrace::clear_symbol_cache();
    let mut tree = Tree::new();
    for (frames, count) in &report.data {
        let Ok(count) = u64::try_from(*count) else {
            continue;
        };
        let mut stack = vec![frames.thread_name_or_id()];
        stack.extend(
            frames
                .frames
                .iter()
                .rev()
                .flat_map(|f| f.iter().rev().map(pprof::Symbol::name)),
        );
        tree.insert_stack(stack.iter().map(String::as_str), Ticks(count));
    }
    if tree.total_ticks().0 == 0 {
        return Ok(());
    }
    let write = Write {
        key: SeriesKey::new(APP, Default::default()),
        meta: SeriesMeta {
            spy_name: "pyroscope-rs".into(),
            sample_rate: FREQUENCY.unsigned_abs(),
            units: "samples".into(),
            aggregation: Aggregation::Sum,
        },
        window,
        tree,
    };
    queue.write_blocking(vec![write]).map_err(|e| e.to_string())
}
