//! What a row shows at a given zoom: [`Layout::drawn`] walks the bars of a row inside a
//! tick range, merging runs of bars too thin to draw into one [`Run`], and
//! [`Layout::hit`] finds what covers one tick with the same rule, so what is drawn is
//! exactly what is hit.

use std::ops::Range;

use super::{Bar, Layout, TickRange};
use crate::units::{NameId, Ticks};

/// Consecutive bars of one row, each too thin to draw on its own, merged into one drawable
/// (and hoverable) sliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Row of the bars.
    pub row: u32,
    /// Index of the first bar.
    pub first: u32,
    /// Index of the last bar (inclusive).
    pub last: u32,
    /// From the first bar's start to the last bar's end.
    pub range: TickRange,
    /// The class its bars share (for example "matches the search").
    pub class: bool,
}

impl Run {
    /// Indexes of the merged bars.
    #[must_use]
    pub fn indexes(&self) -> Range<u32> {
        self.first..self.last.saturating_add(1)
    }

    /// Number of merged bars.
    #[must_use]
    pub fn count(&self) -> usize {
        self.indexes().len()
    }
}

/// What a row shows in a tick range: a bar wide enough to stand alone, or a merged run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// A bar at least [`Detail::min_width`] wide.
    Bar(Bar),
    /// Thin bars merged.
    Run(Run),
}

impl Drawn {
    /// The ticks it covers.
    #[must_use]
    pub fn range(&self) -> TickRange {
        match self {
            Drawn::Bar(bar) => bar.range,
            Drawn::Run(run) => run.range,
        }
    }

    /// Its row.
    #[must_use]
    pub fn row(&self) -> u32 {
        match self {
            Drawn::Bar(bar) => bar.id.row,
            Drawn::Run(run) => run.row,
        }
    }
}

/// How closely a frame looks: the thresholds of the merge rule, in ticks.
///
/// Two neighbouring bars merge when both are narrower than `min_width`, share their class
/// and the gap between them is at most `max_gap` (a gap that small is invisible anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Detail {
    /// Bars at least this wide are drawn on their own.
    pub min_width: Ticks,
    /// Largest gap a run bridges.
    pub max_gap: Ticks,
}

impl Layout {
    /// What `row` shows in `range`: its bars at least `detail.min_width` wide, and runs of
    /// thinner bars merged by the rule of [`Detail`] among bars of equal `class`.
    pub fn drawn<F: Fn(NameId) -> bool>(
        &self,
        row: usize,
        range: TickRange,
        detail: Detail,
        class: F,
    ) -> DrawnIter<'_, F> {
        let r = self.rows.get(row);
        let span = r.map_or(0..0, |r| r.span(range));
        DrawnIter {
            layout: self,
            row,
            next: span.start,
            end: span.end,
            detail,
            class,
        }
    }

    /// What [`Layout::drawn`] shows at `tick` (fractional, as pointers are) in `row`: the
    /// bar or run covering it, with exactly the boundaries `drawn` would give it.
    pub fn hit<F: Fn(NameId) -> bool>(
        &self,
        row: usize,
        tick: f64,
        range: TickRange,
        detail: Detail,
        class: F,
    ) -> Option<Drawn> {
        let r = self.rows.get(row)?;
        if !(tick >= range.start.0 as f64 && tick < range.end.0 as f64) {
            return None;
        }
        let span = r.span(range);
        let k = r.partition(|i| r.start(i) as f64 > tick).checked_sub(1)?;
        if !span.contains(&k) {
            return None;
        }
        let inside = tick < r.end(k) as f64;
        let bridged = k + 1 < span.end && r.linked(k, detail, &class);
        if !inside && !bridged {
            return None;
        }
        if !r.is_thin(k, detail) {
            return self.bar_at(row, k).map(Drawn::Bar);
        }
        let mut first = k;
        while first > span.start && r.linked(first - 1, detail, &class) {
            first -= 1;
        }
        let mut last = k;
        while last + 1 < span.end && r.linked(last, detail, &class) {
            last += 1;
        }
        self.run(row, first, last, class(r.name(k)))
    }

    fn run(&self, row: usize, first: usize, last: usize, class: bool) -> Option<Drawn> {
        let r = self.rows.get(row)?;
        Some(Drawn::Run(Run {
            row: u32::try_from(row).ok()?,
            first: u32::try_from(first).ok()?,
            last: u32::try_from(last).ok()?,
            range: TickRange::new(Ticks(r.start(first)), Ticks(r.end(last))),
            class,
        }))
    }
}
/// Iterator of [`Layout::drawn`].
pub struct DrawnIter<'a, F> {
    layout: &'a Layout,
    row: usize,
    next: usize,
    end: usize,
    detail: Detail,
    class: F,
}

impl<F> std::fmt::Debug for DrawnIter<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrawnIter")
            .field("row", &self.row)
            .field("next", &self.next)
            .field("end", &self.end)
            .finish()
    }
}

impl<F: Fn(NameId) -> bool> Iterator for DrawnIter<'_, F> {
    type Item = Drawn;

    fn next(&mut self) -> Option<Drawn> {
        let r = self.layout.rows.get(self.row)?;
        let i = self.next;
        if i >= self.end {
            return None;
        }
        if !r.is_thin(i, self.detail) {
            self.next = i + 1;
            return self.layout.bar_at(self.row, i).map(Drawn::Bar);
        }
        let class = (self.class)(r.name(i));
        let last = r.run_end(i, self.end, self.detail, (class, &self.class));
        self.next = last + 1;
        self.layout.run(self.row, i, last, class)
    }
}
