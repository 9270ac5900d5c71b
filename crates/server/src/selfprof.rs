//! The server profiles itself (pprof-rs, 100 Hz) and stores the result as the app
//! `cinder.server.cpu`, so a new user finds a real flamegraph the first minute, and the
//! server's own hot paths are visible in the product. `--no-self-profiling` turns it off.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cinder_profile::selector::SeriesKey;
use cinder_profile::{Ticks, Tree};

use crate::clock::unix_now;
use crate::query::timeline::Window;
use crate::store::{Aggregation, SeriesMeta, Store, Write};

/// Application name of the server's own CPU profile.
pub const APP: &str = "cinder.server.cpu";
/// Sampling frequency, Hz.
const FREQUENCY: i32 = 100;
/// Length of one profile window, as agents use.
const WINDOW: Duration = Duration::from_secs(10);

/// Starts the profiling thread; it stops after its current window once `stop` is set.
pub fn start(store: Arc<Store>, stop: Arc<AtomicBool>) {
    let spawned = std::thread::Builder::new()
        .name("cinder-selfprof".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Err(e) = profile_one_window(&store, &stop) {
                    tracing::warn!(error = %e, "self-profiling stopped");
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start self-profiling");
    }
}

/// Profiles until the next 10 s boundary, then stores what was sampled.
fn profile_one_window(store: &Store, stop: &AtomicBool) -> Result<(), String> {
    let guard = pprof::ProfilerGuard::new(FREQUENCY).map_err(|e| e.to_string())?;
    let start = unix_now();
    let window = Window::snap(start, start);
    while unix_now() < window.end && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(200).min(WINDOW));
    }
    let report = guard.report().build().map_err(|e| e.to_string())?;
    drop(guard);
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
                .flat_map(|f| f.iter().rev().map(|s| s.name())),
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
    store.write(vec![write]).map_err(|e| e.to_string())
}
