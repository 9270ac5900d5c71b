//! The `/render` timeline grid (spec §3.7): the requested window snapped to 10 s, a step
//! (`durationDelta`) that keeps it near 1024 points, and slot values written with the
//! original's `1 + samples` convention (0 means "no data"; the UI subtracts 1).

use cinder_profile::flamebearer::Timeline;

use crate::base::UnixSecs;

pub use crate::base::{Window, BASE_RESOLUTION};

/// The largest of 10, 100, 1000, … seconds strictly smaller than `len / 1024`; 10 if none.
#[must_use]
pub fn duration_delta(len: i64) -> i64 {
    let limit = len as f64 / 1024.0;
    let mut delta = BASE_RESOLUTION;
    while ((delta * 10) as f64) < limit {
        delta *= 10;
    }
    delta
}

/// The store level whose blocks are `delta` seconds wide (10 s → 0, 100 s → 1, …).
#[must_use]
pub fn level_of_delta(delta: i64) -> u8 {
    let mut level = 0;
    let mut span = BASE_RESOLUTION;
    while span < delta {
        span *= 10;
        level += 1;
    }
    level
}

/// Fills a [`Timeline`] slot by slot.
#[derive(Debug, Clone)]
pub struct TimelineBuilder {
    timeline: Timeline,
}

impl TimelineBuilder {
    /// An all-zero timeline over `window`.
    #[must_use]
    pub fn new(window: Window) -> TimelineBuilder {
        let delta = duration_delta(window.len());
        let n = usize::try_from(window.len().max(0) / delta).unwrap_or(0);
        TimelineBuilder {
            timeline: Timeline {
                start_time: window.start,
                samples: vec![0; n],
                duration_delta: delta,
                watermarks: Default::default(),
            },
        }
    }

    /// The step of this timeline, in seconds.
    #[must_use]
    pub fn delta(&self) -> i64 {
        self.timeline.duration_delta
    }

    /// Adds `samples` recorded in the block starting at `t`. A block that starts before the
    /// window (coarse blocks are aligned to their own grid) counts in the first slot. The
    /// first addition to a slot also adds the `+1` marker.
    pub fn add(&mut self, t: UnixSecs, samples: u64) {
        let offset = (t - self.timeline.start_time).max(0);
        let Ok(i) = usize::try_from(offset / self.timeline.duration_delta) else {
            return;
        };
        if let Some(slot) = self.timeline.samples.get_mut(i) {
            *slot = if *slot == 0 {
                samples.saturating_add(1)
            } else {
                slot.saturating_add(samples)
            };
        }
    }

    /// The finished timeline.
    #[must_use]
    pub fn finish(self) -> Timeline {
        self.timeline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_snap_to_ten_seconds_and_are_never_empty() {
        let w = |start, end| Window { start, end };
        assert_eq!(
            Window::snap(1_700_000_003, 1_700_000_057),
            w(1_700_000_000, 1_700_000_060)
        );
        assert_eq!(
            Window::snap(1_700_000_000, 1_700_000_060),
            w(1_700_000_000, 1_700_000_060)
        );
        assert_eq!(Window::snap(1_700_000_000, 1_700_000_000).len(), 10);
        assert!(Window::snap(1_700_000_100, 1_700_000_000).is_empty());
    }

    #[test]
    fn duration_delta_matches_the_spec_examples() {
        assert_eq!(duration_delta(3_600), 10);
        assert_eq!(duration_delta(86_400), 10);
        assert_eq!(duration_delta(7 * 86_400), 100);
        assert_eq!(duration_delta(30 * 86_400), 1_000);
        assert_eq!(duration_delta(365 * 86_400), 10_000);
        assert_eq!([10, 100, 1_000, 10_000].map(level_of_delta), [0, 1, 2, 3]);
    }

    #[test]
    fn timeline_uses_the_plus_one_convention() {
        let mut t = TimelineBuilder::new(Window::snap(1_700_000_000, 1_700_000_060));
        t.add(1_700_000_010, 100);
        t.add(1_700_000_010, 5);
        t.add(1_700_000_050, 0);
        t.add(1_700_000_060, 7); // at the end: outside
        assert_eq!(t.finish().samples, [0, 106, 0, 0, 0, 1]);
    }

    #[test]
    fn one_hour_has_360_points_and_a_day_8640() {
        assert_eq!(
            TimelineBuilder::new(Window::snap(0, 3_600))
                .finish()
                .samples
                .len(),
            360
        );
        assert_eq!(
            TimelineBuilder::new(Window::snap(0, 86_400))
                .finish()
                .samples
                .len(),
            8_640
        );
    }
}
