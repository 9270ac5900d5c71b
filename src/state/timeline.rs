//! The timeline's model: the `/render` timeline decoded (`0` = no data, else `1 + samples`),
//! the mapping between CSS pixels and time, hover lookup and drag-to-select. Drawing
//! (plotters on a canvas) only reads this.

use cinder_profile::flamebearer::Timeline;

use super::time_range::{TimeRange, UnixSecs};

/// Drags shorter than this many CSS pixels are clicks, not selections (as the original).
pub const MIN_DRAG_PX: f64 = 5.0;

/// One step of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    /// Start of the step, unix seconds.
    pub t: UnixSecs,
    /// Samples in the step; `None` when no data was recorded.
    pub value: Option<u64>,
}

/// A decoded timeline over a window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimelineModel {
    /// Steps, in time order.
    pub points: Vec<Point>,
    /// Window start.
    pub from: UnixSecs,
    /// Window end.
    pub until: UnixSecs,
    /// Step width, seconds.
    pub step: i64,
}

impl TimelineModel {
    /// Decodes a wire timeline (undoing the `+1` marker).
    #[must_use]
    pub fn new(t: &Timeline) -> TimelineModel {
        let step = t.duration_delta.max(1);
        let points: Vec<Point> = t
            .samples
            .iter()
            .enumerate()
            .map(|(i, &v)| Point {
                t: t.start_time + step * i as i64,
                value: v.checked_sub(1),
            })
            .collect();
        let until = t.start_time + step * points.len() as i64;
        TimelineModel {
            points,
            from: t.start_time,
            until,
            step,
        }
    }

    /// Largest value (the y axis' top); 0 when empty.
    #[must_use]
    pub fn max_value(&self) -> u64 {
        self.points
            .iter()
            .filter_map(|p| p.value)
            .max()
            .unwrap_or(0)
    }

    /// Whether any step has data.
    #[must_use]
    pub fn has_data(&self) -> bool {
        self.points.iter().any(|p| p.value.is_some())
    }

    /// The time at horizontal position `x` of a `width`-pixel-wide plot.
    #[must_use]
    pub fn time_at(&self, x: f64, width: f64) -> UnixSecs {
        if width <= 0.0 {
            return self.from;
        }
        let frac = (x / width).clamp(0.0, 1.0);
        self.from + ((self.until - self.from) as f64 * frac).round() as i64
    }

    /// The step under `x`, for the hover tooltip.
    #[must_use]
    pub fn point_at(&self, x: f64, width: f64) -> Option<Point> {
        let t = self.time_at(x, width);
        let i = usize::try_from((t - self.from) / self.step).ok()?;
        self.points
            .get(i.min(self.points.len().saturating_sub(1)))
            .copied()
    }

    /// The range a drag from `x0` to `x1` selects, or `None` for a click.
    #[must_use]
    pub fn selection(&self, x0: f64, x1: f64, width: f64) -> Option<TimeRange> {
        if (x1 - x0).abs() < MIN_DRAG_PX {
            return None;
        }
        Some(TimeRange::selected(
            self.time_at(x0, width),
            self.time_at(x1, width),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> TimelineModel {
        TimelineModel::new(&Timeline {
            start_time: 1_000,
            samples: vec![0, 101, 1, 0],
            duration_delta: 10,
            watermarks: Default::default(),
        })
    }

    #[test]
    fn plus_one_is_undone_and_zero_means_no_data() {
        let m = model();
        let values: Vec<Option<u64>> = m.points.iter().map(|p| p.value).collect();
        assert_eq!(values, [None, Some(100), Some(0), None]);
        assert_eq!((m.from, m.until, m.max_value()), (1_000, 1_040, 100));
        assert!(m.has_data());
    }

    #[test]
    fn pixels_map_to_time_and_steps() {
        let m = model();
        assert_eq!(m.time_at(0.0, 400.0), 1_000);
        assert_eq!(m.time_at(400.0, 400.0), 1_040);
        assert_eq!(m.point_at(150.0, 400.0).unwrap().t, 1_010);
        assert_eq!(m.point_at(399.0, 400.0).unwrap().t, 1_030);
    }

    #[test]
    fn drags_select_ranges_and_clicks_do_not() {
        let m = model();
        assert_eq!(m.selection(100.0, 102.0, 400.0), None);
        assert_eq!(
            m.selection(300.0, 100.0, 400.0),
            Some(TimeRange::Absolute {
                from: 1_010,
                until: 1_030
            })
        );
    }
}
