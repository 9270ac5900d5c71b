//! The time grid shared by the server (store, `/render` windows) and the app (chunked
//! fetches): `[start, end)` windows of unix seconds on the 10 s grid, snapped as the
//! original server snaps a `/render` request. Pure arithmetic, no clock.

/// The finest resolution of the store and of timelines, in seconds.
pub const BASE_RESOLUTION: i64 = 10;

/// A `[start, end)` window on the 10 s grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    /// Inclusive start, a multiple of 10 s.
    pub start: i64,
    /// Exclusive end, a multiple of 10 s.
    pub end: i64,
}

impl Window {
    /// Snaps `from`/`until` as the original does: start down to 10 s; end down to 10 s,
    /// plus 10 s if that changed it or if it equals the start (so it is never empty
    /// unless `from` > `until`).
    #[must_use]
    pub fn snap(from: i64, until: i64) -> Window {
        let start = from.div_euclid(BASE_RESOLUTION) * BASE_RESOLUTION;
        let mut end = until.div_euclid(BASE_RESOLUTION) * BASE_RESOLUTION;
        if end != until || end == start {
            end = end.saturating_add(BASE_RESOLUTION);
        }
        Window { start, end }
    }

    /// Length in seconds (≤ 0 when `from` > `until`, which callers reject).
    #[must_use]
    pub fn len(&self) -> i64 {
        self.end - self.start
    }

    /// Whether the window is empty or inverted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() <= 0
    }

    /// The request bounds that snap back to exactly this window: `from = start` and
    /// `until = end` (already on the grid, so unchanged by [`Window::snap`]).
    #[must_use]
    pub fn params(&self) -> (i64, i64) {
        (self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapping_matches_the_original() {
        assert_eq!(
            Window::snap(105, 200),
            Window {
                start: 100,
                end: 200
            }
        );
        assert_eq!(
            Window::snap(100, 205),
            Window {
                start: 100,
                end: 210
            }
        );
        assert_eq!(
            Window::snap(100, 100),
            Window {
                start: 100,
                end: 110
            }
        );
        assert_eq!(
            Window::snap(-5, 3),
            Window {
                start: -10,
                end: 10
            }
        );
        let w = Window { start: 30, end: 90 };
        let (f, u) = w.params();
        assert_eq!(Window::snap(f, u), w);
        assert!(Window { start: 5, end: 5 }.is_empty());
    }
}
