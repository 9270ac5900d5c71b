//! The `/render` timeline grid (spec §3.7): the requested window snapped to 10 s, a step
//! (`durationDelta`) that keeps it near 1024 points, and slot values written with the
//! original's `1 + samples` convention (0 means "no data"; the UI subtracts 1).

use serde::Serialize;

use super::time::UnixSecs;

/// The finest resolution of the store and of timelines, in seconds.
pub const BASE_RESOLUTION: i64 = 10;

/// A `[start, end)` window on the 10 s grid, never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Inclusive start, a multiple of 10 s.
    pub start: UnixSecs,
    /// Exclusive end, a multiple of 10 s, greater than `start`.
    pub end: UnixSecs,
}

impl Window {
    /// Snaps `from`/`until` as the original does: start down to 10 s; end down to 10 s,
    /// plus 10 s if that changed it or if it equals the start.
    #[must_use]
    pub fn snap(from: UnixSecs, until: UnixSecs) -> Window {
        let start = from.div_euclid(BASE_RESOLUTION) * BASE_RESOLUTION;
        let mut end = until.div_euclid(BASE_RESOLUTION) * BASE_RESOLUTION;
        if end != until || end == start {
            end += BASE_RESOLUTION;
        }
        Window { start, end }
    }

    /// Length in seconds (may be ≤ 0 when `from` > `until`, which callers reject).
    #[must_use]
    pub fn len(&self) -> i64 {
        self.end - self.start
    }

    /// Whether the window is empty or inverted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() <= 0
    }
}

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

/// The timeline object of a `/render` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// Window start, unix seconds.
    pub start_time: UnixSecs,
    /// One value per step: 0 = no data, else 1 + samples.
    pub samples: Vec<u64>,
    /// Step in seconds.
    pub duration_delta: i64,
    /// Levels thinned by retention; always empty here.
    pub watermarks: serde_json::Map<String, serde_json::Value>,
}

impl Timeline {
    /// An all-zero timeline over `window`.
    #[must_use]
    pub fn empty(window: Window) -> Timeline {
        let delta = duration_delta(window.len());
        let n = usize::try_from(window.len().max(0) / delta).unwrap_or(0);
        Timeline {
            start_time: window.start,
            samples: vec![0; n],
            duration_delta: delta,
            watermarks: serde_json::Map::new(),
        }
    }

    /// Adds `samples` recorded in the slot starting at `t` (any multiple of 10 s inside the
    /// window). The first addition to a slot also adds the `+1` marker.
    pub fn add(&mut self, t: UnixSecs, samples: u64) {
        let offset = t - self.start_time;
        if offset < 0 {
            return;
        }
        let Ok(i) = usize::try_from(offset / self.duration_delta) else {
            return;
        };
        if let Some(slot) = self.samples.get_mut(i) {
            *slot = if *slot == 0 {
                samples.saturating_add(1)
            } else {
                slot.saturating_add(samples)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_snap_to_ten_seconds_and_are_never_empty() {
        assert_eq!(
            Window::snap(1_700_000_003, 1_700_000_057),
            Window {
                start: 1_700_000_000,
                end: 1_700_000_060
            }
        );
        assert_eq!(
            Window::snap(1_700_000_000, 1_700_000_060),
            Window {
                start: 1_700_000_000,
                end: 1_700_000_060
            }
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
    }

    #[test]
    fn timeline_uses_the_plus_one_convention() {
        let mut t = Timeline::empty(Window::snap(1_700_000_000, 1_700_000_060));
        assert_eq!(t.samples, [0; 6]);
        t.add(1_700_000_010, 100);
        t.add(1_700_000_010, 5);
        t.add(1_700_000_050, 0);
        t.add(1_699_999_990, 7); // before the window: ignored
        t.add(1_700_000_060, 7); // at the end: ignored
        assert_eq!(t.samples, [0, 106, 0, 0, 0, 1]);
    }

    #[test]
    fn one_hour_has_360_points_and_a_day_8640() {
        assert_eq!(Timeline::empty(Window::snap(0, 3_600)).samples.len(), 360);
        assert_eq!(
            Timeline::empty(Window::snap(0, 86_400)).samples.len(),
            8_640
        );
    }
}
