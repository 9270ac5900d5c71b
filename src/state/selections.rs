//! The main timeline of the comparison and diff views holds two selections, baseline and
//! comparison. Pointer maths for them, in CSS pixels of the plot and unix seconds: a press
//! near a selection's edge resizes it, inside it moves it, elsewhere draws a new one (the
//! comparison, or the baseline with Shift); the result is snapped to the 10 s grid.

use cinder_profile::timegrid::Window;

use super::diff_view::Side;
use super::timeline::MIN_DRAG_PX;

/// A press within this many pixels of an edge grabs the edge.
pub const EDGE_PX: f64 = 5.0;

/// The plot's time axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    /// Time at the left edge.
    pub from: i64,
    /// Time at the right edge.
    pub until: i64,
    /// Plot width, CSS pixels.
    pub width: f64,
}

impl Axis {
    /// The x of time `t` (not clamped: a selection may lie partly outside).
    #[must_use]
    pub fn x(&self, t: i64) -> f64 {
        let span = (self.until - self.from).max(1) as f64;
        (t - self.from) as f64 / span * self.width
    }

    /// The time at `x`, clamped to the axis.
    #[must_use]
    pub fn t(&self, x: f64) -> i64 {
        if self.width <= 0.0 {
            return self.from;
        }
        let frac = (x / self.width).clamp(0.0, 1.0);
        self.from + ((self.until - self.from) as f64 * frac).round() as i64
    }
}

/// What a press grabbed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Grab {
    /// Moves `side`'s `window`; `anchor` is the time pressed.
    Move {
        /// Which selection.
        side: Side,
        /// Its window at the press.
        window: (i64, i64),
        /// Time under the press.
        anchor: i64,
    },
    /// Resizes `side`, keeping the edge at `keep`.
    Resize {
        /// Which selection.
        side: Side,
        /// The edge that stays.
        keep: i64,
    },
    /// Draws a new selection for `side` from time `start` (pixel `x0`).
    Draw {
        /// Which selection.
        side: Side,
        /// Time pressed.
        start: i64,
        /// Pixel pressed.
        x0: f64,
    },
}

/// What a press at `x` grabs, given both selections (`None`: not on the axis). Edges win
/// over insides, the comparison over the baseline.
#[must_use]
pub fn grab(axis: &Axis, windows: [Option<(i64, i64)>; 2], x: f64, draw: Side) -> Grab {
    let order = [(Side::Right, windows[1]), (Side::Left, windows[0])];
    for (side, w) in order {
        let Some((from, until)) = w else { continue };
        if (axis.x(from) - x).abs() <= EDGE_PX {
            return Grab::Resize { side, keep: until };
        }
        if (axis.x(until) - x).abs() <= EDGE_PX {
            return Grab::Resize { side, keep: from };
        }
    }
    for (side, w) in order {
        let Some((from, until)) = w else { continue };
        if x > axis.x(from) && x < axis.x(until) {
            return Grab::Move {
                side,
                window: (from, until),
                anchor: axis.t(x),
            };
        }
    }
    Grab::Draw {
        side: draw,
        start: axis.t(x),
        x0: x,
    }
}

/// The selection a drag of `grab` to `x` makes, snapped to the 10 s grid; `None` for a
/// click (a draw shorter than [`MIN_DRAG_PX`]).
#[must_use]
pub fn drag(axis: &Axis, grab: Grab, x: f64) -> Option<(Side, i64, i64)> {
    let t = axis.t(x);
    let (side, from, until) = match grab {
        Grab::Move {
            side,
            window,
            anchor,
        } => {
            // Whole grid steps, so a move keeps the window's length.
            let step = cinder_profile::timegrid::BASE_RESOLUTION;
            let delta = ((t - anchor) as f64 / step as f64).round() as i64 * step;
            (side, window.0 + delta, window.1 + delta)
        }
        Grab::Resize { side, keep } => (side, keep.min(t), keep.max(t)),
        Grab::Draw { side, start, x0 } => {
            if (x - x0).abs() < MIN_DRAG_PX {
                return None;
            }
            (side, start.min(t), start.max(t))
        }
    };
    let w = Window::snap(from, until);
    Some((side, w.start, w.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AXIS: Axis = Axis {
        from: 0,
        until: 1000,
        width: 100.0,
    };
    const SELS: [Option<(i64, i64)>; 2] = [Some((100, 300)), Some((600, 800))];

    #[test]
    fn presses_grab_edges_then_insides_then_draw() {
        assert_eq!(
            grab(&AXIS, SELS, 61.0, Side::Right),
            Grab::Resize {
                side: Side::Right,
                keep: 800
            }
        );
        assert_eq!(
            grab(&AXIS, SELS, 29.0, Side::Right),
            Grab::Resize {
                side: Side::Left,
                keep: 100
            }
        );
        assert_eq!(
            grab(&AXIS, SELS, 20.0, Side::Right),
            Grab::Move {
                side: Side::Left,
                window: (100, 300),
                anchor: 200
            }
        );
        assert_eq!(
            grab(&AXIS, SELS, 45.0, Side::Left),
            Grab::Draw {
                side: Side::Left,
                start: 450,
                x0: 45.0
            }
        );
        assert_eq!(
            grab(&AXIS, [None, None], 45.0, Side::Right),
            Grab::Draw {
                side: Side::Right,
                start: 450,
                x0: 45.0
            }
        );
    }

    #[test]
    fn drags_move_resize_and_draw_on_the_10s_grid() {
        let moving = grab(&AXIS, SELS, 70.0, Side::Right);
        assert_eq!(drag(&AXIS, moving, 75.3), Some((Side::Right, 650, 850)));
        let resize = grab(&AXIS, SELS, 80.0, Side::Right);
        assert_eq!(drag(&AXIS, resize, 90.0), Some((Side::Right, 600, 900)));
        // Dragged past the kept edge, the window flips.
        assert_eq!(drag(&AXIS, resize, 50.0), Some((Side::Right, 500, 600)));
        let draw = grab(&AXIS, SELS, 45.0, Side::Right);
        assert_eq!(drag(&AXIS, draw, 47.0), None, "a click");
        assert_eq!(drag(&AXIS, draw, 55.55), Some((Side::Right, 450, 560)));
        assert_eq!(drag(&AXIS, draw, 30.0), Some((Side::Right, 300, 450)));
        assert!((AXIS.x(250) - 25.0).abs() < 1e-9);
        assert_eq!(AXIS.t(-10.0), 0);
    }
}
