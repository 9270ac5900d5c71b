//! Retention in the background (spec §6.4): by age, per level of the time index, and by
//! the store's size on disk. Each pass raises the store's retention marks, then deletes to
//! them in bounded batches on the blocking pool, yielding between batches, so ingestion
//! and queries keep going while it works.
//!
//! Size limit: while the store's tables are larger than the limit, the oldest data goes,
//! finest levels first: the 10 s level is thinned (its blocks deleted, coarser ones kept)
//! up to an hour ago, then the 100 s level up to 10 hours ago, then the 1000 s level up to
//! about 4 days ago; after that, every level expires from the oldest data on. Each step
//! is sized from the excess, then the deleted space is reclaimed at once (a major
//! compaction of the data: deleted blocks only free space when compaction rewrites their
//! tables) and the size measured again, so a pass never deletes more than the limit needs
//! while waiting for space to come back.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::base::{clock, BASE_RESOLUTION};
use crate::store::segments::{self, LEVELS};
use crate::store::{Marks, Store, StoreError, Sweep};

/// How often a pass runs when only ages are set and none is short.
pub const INTERVAL: Duration = Duration::from_secs(600);
/// How often a pass runs when a size limit is set.
pub const SIZE_INTERVAL: Duration = Duration::from_secs(10);
/// Blocks deleted per batch (one short engine batch; the job yields between batches).
pub const BATCH: usize = 2_048;
/// Size steps per pass at most (each ends with a reclaim and a new measure).
const MAX_SIZE_STEPS: usize = 16;
/// Levels the size limit thins before it expires data, and how many of its blocks each
/// keeps at least (level 0: 360 × 10 s = 1 h, level 1: 10 h, level 2: 4.2 days).
const SIZE_THINNED_LEVELS: u8 = 3;
const SIZE_FLOOR_BLOCKS: i64 = 360;
/// Memtables not yet flushed that the table size does not count (8 MiB per data
/// keyspace): near the limit, the pass flushes them before measuring.
const UNFLUSHED_ALLOWANCE: u64 = 3 * 8 * 1024 * 1024;

/// What to delete, and when (`retention`, `retention-levels` and `retention-max-size` of
/// the config file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Data older than this is refused and deleted (`None`: kept forever).
    pub max_age: Option<Duration>,
    /// Per level of the time index (0 = 10 s blocks): blocks of that level older than
    /// this are deleted while coarser levels are kept. A level is never kept longer than
    /// a coarser one (a shorter coarse age applies to the finer levels too).
    pub level_max_age: BTreeMap<u8, Duration>,
    /// Oldest data is deleted while the store's tables take more than this many bytes.
    pub max_disk_bytes: Option<u64>,
}

impl RetentionPolicy {
    /// Only an age limit (the `--retention` flag).
    #[must_use]
    pub fn max_age(max_age: Option<Duration>) -> RetentionPolicy {
        RetentionPolicy {
            max_age,
            ..RetentionPolicy::default()
        }
    }

    /// Whether the policy keeps everything (no job needed).
    #[must_use]
    pub fn keeps_everything(&self) -> bool {
        self.max_age.is_none() && self.level_max_age.is_empty() && self.max_disk_bytes.is_none()
    }

    /// Time between passes: [`SIZE_INTERVAL`] with a size limit, else [`INTERVAL`] or half
    /// the shortest age (at least 5 s).
    #[must_use]
    pub fn interval(&self) -> Duration {
        if self.max_disk_bytes.is_some() {
            return SIZE_INTERVAL;
        }
        let shortest = self.level_max_age.values().chain(&self.max_age).min();
        shortest.map_or(INTERVAL, |d| {
            (*d / 2).clamp(Duration::from_secs(5), INTERVAL)
        })
    }

    /// The marks the ages ask for at `now`.
    #[must_use]
    pub fn marks_at(&self, now: i64) -> Marks {
        let cutoff = |d: Duration| clock::retention_cutoff(now, d);
        let mut marks = Marks {
            expired: self.max_age.map_or(0, cutoff),
            ..Marks::default()
        };
        for (&level, &age) in &self.level_max_age {
            if let Some(m) = marks.levels.get_mut(usize::from(level)) {
                *m = cutoff(age);
            }
        }
        marks.normalized()
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Blocks deleted.
    pub blocks: usize,
    /// Series deleted because no data was left.
    pub series: usize,
    /// Size steps taken.
    pub size_steps: usize,
    /// The tables' size at the end (measured only with a size limit).
    pub table_bytes: Option<u64>,
}

/// A pass failed.
#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A blocking task panicked or was cancelled.
    #[error("retention task failed: {0}")]
    Task(String),
}

/// Runs passes of `policy` every [`RetentionPolicy::interval`] until the task is dropped.
pub async fn run(store: Arc<Store>, policy: RetentionPolicy) {
    let mut tick = tokio::time::interval(policy.interval());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match pass(&store, &policy, clock::unix_now()).await {
            Ok(r) if r.blocks > 0 || r.series > 0 => tracing::info!(
                blocks = r.blocks,
                series = r.series,
                size_steps = r.size_steps,
                table_bytes = r.table_bytes,
                "retention: deleted old data"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "retention failed"),
        }
    }
}

/// Runs `f` on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, RetentionError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| RetentionError::Task(e.to_string()))?
        .map_err(RetentionError::from)
}

/// One pass at time `now`: ages, then the size limit, then series left without data.
pub async fn pass(
    store: &Arc<Store>,
    policy: &RetentionPolicy,
    now: i64,
) -> Result<PassReport, RetentionError> {
    let mut report = PassReport::default();
    report.blocks += delete_to(store, policy.marks_at(now)).await?;
    if let Some(max) = policy.max_disk_bytes {
        size_steps(store, max, now, &mut report).await?;
    }
    let s = Arc::clone(store);
    report.series = blocking(move || s.purge_empty_series()).await?;
    Ok(report)
}

/// Raises the store's marks to `marks` and deletes what they cover, batch by batch.
async fn delete_to(store: &Arc<Store>, marks: Marks) -> Result<usize, RetentionError> {
    let s = Arc::clone(store);
    let mut sweep: Sweep = blocking(move || {
        s.raise_marks(marks)?;
        s.start_sweep()
    })
    .await?;
    let mut deleted = 0;
    while !sweep.done() {
        let s = Arc::clone(store);
        let (back, n) = blocking(move || {
            let n = s.sweep(&mut sweep, BATCH)?;
            Ok((sweep, n))
        })
        .await?;
        sweep = back;
        deleted += n;
        tokio::task::yield_now().await;
    }
    Ok(deleted)
}

/// The tables' size, flushing memtables first when they could make the difference.
async fn measure(store: &Arc<Store>, max: u64) -> Result<u64, RetentionError> {
    let s = Arc::clone(store);
    blocking(move || {
        let bytes = s.table_bytes();
        if bytes.saturating_add(UNFLUSHED_ALLOWANCE) > max {
            s.flush_data()?;
            return Ok(s.table_bytes());
        }
        Ok(bytes)
    })
    .await
}

/// Deletes the oldest data, finest levels first, until the tables fit in `max` bytes.
async fn size_steps(
    store: &Arc<Store>,
    max: u64,
    now: i64,
    report: &mut PassReport,
) -> Result<(), RetentionError> {
    let mut bytes = measure(store, max).await?;
    while bytes > max && report.size_steps < MAX_SIZE_STEPS {
        let Some(marks) = next_size_marks(store, bytes, max, now).await? else {
            break;
        };
        let deleted = delete_to(store, marks).await?;
        report.blocks += deleted;
        report.size_steps += 1;
        let s = Arc::clone(store);
        blocking(move || s.reclaim_space()).await?;
        let before = bytes;
        bytes = measure(store, max).await?;
        if deleted == 0 && bytes >= before {
            // What is left is not data the limit may delete (node dictionaries of live
            // series, users, the blocks a crash would need): stop rather than spin.
            tracing::warn!(
                table_bytes = bytes,
                max_bytes = max,
                "retention: the size limit cannot be met by deleting data"
            );
            break;
        }
    }
    report.table_bytes = Some(bytes);
    Ok(())
}

/// The marks of the next size step: thin the finest level that may still be thinned, else
/// expire the oldest data. The step covers the excess share of the data's time span
/// (and a quarter more), at least one 10 s block. `None` when no data is left to delete.
async fn next_size_marks(
    store: &Arc<Store>,
    bytes: u64,
    max: u64,
    now: i64,
) -> Result<Option<Marks>, RetentionError> {
    let current = store.marks();
    let excess = (bytes - max.min(bytes)) as f64 / bytes.max(1) as f64;
    let step = |from: i64, to: i64| {
        let len = ((to - from).max(0) as f64 * excess * 1.25).ceil() as i64;
        let len = len.max(BASE_RESOLUTION);
        (from + len + BASE_RESOLUTION - 1).div_euclid(BASE_RESOLUTION) * BASE_RESOLUTION
    };
    for level in 0..SIZE_THINNED_LEVELS {
        let floor = now - SIZE_FLOOR_BLOCKS * segments::span(level);
        let mark = current.level(level);
        if mark >= floor {
            continue;
        }
        let s = Arc::clone(store);
        let oldest = blocking(move || s.oldest_block_start(level..level + 1, mark)).await?;
        let Some(oldest) = oldest.filter(|&o| o < floor) else {
            continue;
        };
        let mut marks = current;
        marks.levels[usize::from(level)] = step(oldest.max(mark), now).min(floor);
        return Ok(Some(marks));
    }
    let s = Arc::clone(store);
    let expired = current.expired;
    let oldest = blocking(move || s.oldest_block_start(0..LEVELS.min(4), expired)).await?;
    Ok(oldest
        .map(|o| step(o.max(expired), now).min(now))
        .filter(|&to| to > expired)
        .map(|to| {
            let mut marks = current;
            marks.expired = to;
            marks
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_become_marks_and_a_level_is_never_kept_longer_than_a_coarser_one() {
        let policy = RetentionPolicy {
            max_age: Some(Duration::from_secs(10_000)),
            level_max_age: BTreeMap::from([
                (0, Duration::from_secs(5_000)),
                (1, Duration::from_secs(1_000)),
                (3, Duration::from_secs(8_000)),
            ]),
            max_disk_bytes: None,
        };
        let m = policy.marks_at(100_000);
        assert_eq!(m.expired, 90_000);
        assert_eq!(m.levels[..5], [99_000, 99_000, 92_000, 92_000, 90_000]);
        assert_eq!(policy.interval(), Duration::from_secs(500));
        assert_eq!(
            RetentionPolicy::max_age(None).marks_at(100_000),
            Marks::default()
        );
        assert!(RetentionPolicy::default().keeps_everything());
        let sized = RetentionPolicy {
            max_disk_bytes: Some(1),
            ..RetentionPolicy::default()
        };
        assert_eq!(sized.interval(), SIZE_INTERVAL);
        assert_eq!(
            RetentionPolicy::max_age(Some(Duration::from_secs(1))).interval(),
            Duration::from_secs(5)
        );
    }
}
