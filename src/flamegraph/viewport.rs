//! Zoom and focus state, and the geometry of one frame: the transforms between the
//! flamegraph's three coordinate spaces.
//!
//! - **Ticks** (layout space): profile units along x, rows along y. Owned by
//!   [`cinder_profile::layout`].
//! - [`CssPx`]: logical pixels, the space of CSS sizes and pointer events.
//! - [`DevicePx`]: physical pixels of the canvas backing store, `CssPx × devicePixelRatio`.
//!   Drawing happens here, snapped to whole pixels, so bars stay sharp at any ratio.
//!
//! A *line* is a 22 px band of the canvas: line 0 is the "collapsed levels" header when a
//! bar is focused, then one line per visible row. Only the lines inside the canvas are drawn;
//! the canvas is never taller than its scroll container.

use std::ops::Range;

use cinder_profile::layout::{Bar, Detail, Drawn, Layout, TickRange};
use cinder_profile::Ticks;

/// A length or coordinate in CSS (logical) pixels.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct CssPx(pub f64);

/// A length or coordinate in device (physical) pixels.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct DevicePx(pub f64);

/// Height of one line (Pyroscope's row pitch).
pub const LINE_HEIGHT: CssPx = CssPx(22.0);
/// Bars narrower than this are merged with their thin neighbours into one grey sliver.
pub const MIN_BAR_WIDTH: CssPx = CssPx(2.0);

/// A rectangle in CSS pixels, relative to the canvas' top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CssRect {
    /// Left edge.
    pub x: CssPx,
    /// Top edge.
    pub y: CssPx,
    /// Width.
    pub width: CssPx,
    /// Height.
    pub height: CssPx,
}

/// A tick range of one row that the user zoomed or focused on: a bar, or a merged run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The row of the bar or run.
    pub row: u32,
    /// Its ticks.
    pub range: TickRange,
}

impl Target {
    /// The target of a drawn bar or run.
    #[must_use]
    pub fn of(drawn: &Drawn) -> Target {
        Target {
            row: drawn.row(),
            range: drawn.range(),
        }
    }

    /// The target of a bar.
    #[must_use]
    pub fn of_bar(bar: &Bar) -> Target {
        Target::of(&Drawn::Bar(*bar))
    }
}

/// What the user chose to look at. Survives repaints and resizes; a new profile resets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewState {
    /// Zoomed horizontally to this target: its range fills the width, rows above it are
    /// drawn dimmed.
    pub zoom: Option<Target>,
    /// Rows above this target's row are collapsed into one header line.
    pub focus: Option<Target>,
}

impl ViewState {
    /// A click on `target`, as in Pyroscope: zoom to it; clicking the zoomed target again
    /// un-zooms, and clicking the root resets everything.
    pub fn click(&mut self, target: Target) {
        if target.row == 0 {
            *self = ViewState::default();
        } else if self.zoom == Some(target) || self.focus == Some(target) {
            self.zoom = None;
        } else {
            self.zoom = Some(target);
        }
    }

    /// "Collapse nodes above": focus on `target` (rows above it fold into the header) and
    /// show its range.
    pub fn collapse_above(&mut self, target: Target) {
        self.focus = Some(target);
        self.zoom = None;
    }

    /// Back to the whole graph.
    pub fn reset(&mut self) {
        *self = ViewState::default();
    }

    /// True when nothing is zoomed or focused.
    #[must_use]
    pub fn is_reset(&self) -> bool {
        *self == ViewState::default()
    }

    /// This state applied to a (possibly new) layout: targets outside its rows or ticks are
    /// dropped, so a refreshed profile keeps the zoom only where it still makes sense.
    #[must_use]
    pub fn validated(self, layout: &Layout) -> ViewState {
        let keep = |t: Option<Target>| {
            t.filter(|t| {
                (t.row as usize) < layout.row_count()
                    && !t.range.is_empty()
                    && layout.full_range().contains(t.range)
            })
        };
        ViewState {
            zoom: keep(self.zoom),
            focus: keep(self.focus),
        }
    }

    /// The ticks shown across the width.
    #[must_use]
    pub fn range(&self, layout: &Layout) -> TickRange {
        self.zoom
            .or(self.focus)
            .map_or_else(|| layout.full_range(), |t| t.range)
    }

    /// The first layout row drawn (the focused row, else the root).
    #[must_use]
    pub fn top_row(&self) -> usize {
        self.focus.map_or(0, |t| t.row as usize)
    }

    /// Number of lines the graph needs: the header (if focused) plus the rows from
    /// [`ViewState::top_row`] down.
    #[must_use]
    pub fn line_count(&self, layout: &Layout) -> usize {
        let header = usize::from(self.focus.is_some());
        layout.row_count().saturating_sub(self.top_row()) + header
    }

    /// Height of the whole graph, the scrollable content.
    #[must_use]
    pub fn content_height(&self, layout: &Layout) -> CssPx {
        CssPx(self.line_count(layout) as f64 * LINE_HEIGHT.0)
    }
}

/// Size of the canvas on screen.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CanvasSize {
    /// CSS width.
    pub width: CssPx,
    /// CSS height.
    pub height: CssPx,
    /// `window.devicePixelRatio`.
    pub dpr: f64,
}

impl CanvasSize {
    /// The backing store size in whole device pixels.
    #[must_use]
    pub fn device(&self) -> (u32, u32) {
        let d = |v: CssPx| (v.0 * self.dpr).round().clamp(0.0, 32_767.0) as u32;
        (d(self.width), d(self.height))
    }
}

/// What lies on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// The "N levels collapsed" header of a focused graph.
    Header,
    /// A layout row.
    Row(usize),
}

/// The geometry of one frame: everything needed to go between ticks, rows and pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Canvas size.
    pub size: CanvasSize,
    /// CSS pixels of graph scrolled above the canvas' top edge.
    pub scroll_top: CssPx,
    /// Ticks shown across the width.
    pub range: TickRange,
    /// First layout row drawn.
    pub top_row: usize,
    /// Whether line 0 is the collapsed-levels header.
    pub header: bool,
    /// Rows before this one are drawn dimmed (the ancestors of a zoomed target).
    pub dim_before: usize,
}

impl Viewport {
    /// The frame for `state` on a canvas of `size`, scrolled by `scroll_top`.
    #[must_use]
    pub fn new(state: &ViewState, layout: &Layout, size: CanvasSize, scroll_top: CssPx) -> Self {
        Viewport {
            size,
            scroll_top,
            range: state.range(layout),
            top_row: state.top_row(),
            header: state.focus.is_some(),
            dim_before: state.zoom.map_or(0, |t| t.row as usize),
        }
    }

    /// CSS pixels per tick.
    #[must_use]
    pub fn px_per_tick(&self) -> f64 {
        let ticks = self.range.len().0 as f64;
        if ticks > 0.0 {
            self.size.width.0 / ticks
        } else {
            0.0
        }
    }

    /// The x of a (fractional) tick.
    #[must_use]
    pub fn tick_to_x(&self, tick: f64) -> CssPx {
        CssPx((tick - self.range.start.0 as f64) * self.px_per_tick())
    }

    /// The (fractional) tick under `x`.
    #[must_use]
    pub fn x_to_tick(&self, x: CssPx) -> f64 {
        let ppt = self.px_per_tick();
        if ppt > 0.0 {
            self.range.start.0 as f64 + x.0 / ppt
        } else {
            f64::NAN
        }
    }

    /// A CSS length in device pixels.
    #[must_use]
    pub fn to_device(&self, v: CssPx) -> DevicePx {
        DevicePx(v.0 * self.size.dpr)
    }

    /// The merge thresholds of this frame: bars under [`MIN_BAR_WIDTH`] merge, across gaps
    /// under one device pixel.
    #[must_use]
    pub fn detail(&self) -> Detail {
        let ppt = self.px_per_tick();
        if ppt <= 0.0 {
            return Detail::default();
        }
        let ticks = |px: f64| px / ppt;
        Detail {
            min_width: Ticks(ticks(MIN_BAR_WIDTH.0).ceil() as u64),
            max_gap: Ticks(ticks(1.0 / self.size.dpr.max(1.0)).floor() as u64),
        }
    }

    /// The line a layout row is drawn on, if it is drawn at all.
    #[must_use]
    pub fn line_of_row(&self, row: usize) -> Option<usize> {
        row.checked_sub(self.top_row)
            .map(|r| r + usize::from(self.header))
    }

    /// What lies on `line`.
    #[must_use]
    pub fn line_content(&self, line: usize) -> Line {
        match (self.header, line) {
            (true, 0) => Line::Header,
            (true, l) => Line::Row(self.top_row + l - 1),
            (false, l) => Line::Row(self.top_row + l),
        }
    }

    /// Top of `line` relative to the canvas.
    #[must_use]
    pub fn line_top(&self, line: usize) -> CssPx {
        CssPx(line as f64 * LINE_HEIGHT.0 - self.scroll_top.0)
    }

    /// The line under `y` (canvas-relative), if any graph line is there.
    #[must_use]
    pub fn line_at(&self, y: CssPx, layout: &Layout) -> Option<Line> {
        let graph_y = y.0 + self.scroll_top.0;
        if !(graph_y >= 0.0 && y.0 < self.size.height.0) {
            return None;
        }
        let line = (graph_y / LINE_HEIGHT.0).floor() as usize;
        match self.line_content(line) {
            Line::Row(r) if r >= layout.row_count() => None,
            content => Some(content),
        }
    }

    /// The lines at least partly inside the canvas.
    #[must_use]
    pub fn visible_lines(&self, layout: &Layout) -> Range<usize> {
        let lines = layout.row_count().saturating_sub(self.top_row) + usize::from(self.header);
        let first = (self.scroll_top.0.max(0.0) / LINE_HEIGHT.0).floor() as usize;
        let last = ((self.scroll_top.0 + self.size.height.0) / LINE_HEIGHT.0).ceil();
        first.min(lines)..(last.max(0.0) as usize).min(lines)
    }

    /// The CSS rectangle of `range` on layout `row` (for overlays), clipped to the width.
    #[must_use]
    pub fn rect(&self, row: usize, range: TickRange) -> Option<CssRect> {
        let line = self.line_of_row(row)?;
        let x0 = self.tick_to_x(range.start.0 as f64).0.max(0.0);
        let x1 = self.tick_to_x(range.end.0 as f64).0.min(self.size.width.0);
        (x1 > x0).then_some(CssRect {
            x: CssPx(x0),
            y: self.line_top(line),
            width: CssPx(x1 - x0),
            height: LINE_HEIGHT,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cinder_profile::Tree;

    fn layout() -> Layout {
        Layout::new(&Tree::from_folded("a;b 30\na;c 10\nd 60").0)
    }

    fn size() -> CanvasSize {
        CanvasSize {
            width: CssPx(1000.0),
            height: CssPx(44.0),
            dpr: 2.0,
        }
    }

    #[test]
    fn ticks_and_pixels_round_trip_in_the_zoomed_range() {
        let l = layout();
        let mut state = ViewState::default();
        let a = l.bar(l.find(1, Ticks(0)).unwrap()).unwrap();
        state.click(Target::of_bar(&a));
        let vp = Viewport::new(&state, &l, size(), CssPx(0.0));
        assert_eq!(vp.range, TickRange::new(Ticks(0), Ticks(40)));
        assert_eq!(vp.px_per_tick(), 25.0);
        assert_eq!(vp.tick_to_x(10.0), CssPx(250.0));
        assert_eq!(vp.x_to_tick(CssPx(250.0)), 10.0);
        assert_eq!(vp.to_device(CssPx(3.0)), DevicePx(6.0));
        assert_eq!(vp.dim_before, 1);
        assert_eq!(size().device(), (2000, 88));
    }

    #[test]
    fn clicking_the_zoomed_bar_unzooms_and_the_root_resets() {
        let l = layout();
        let a = Target::of_bar(&l.bar(l.find(1, Ticks(0)).unwrap()).unwrap());
        let root = Target::of_bar(&l.bar(l.find(0, Ticks(0)).unwrap()).unwrap());
        let mut state = ViewState::default();
        state.click(a);
        assert_eq!(state.zoom, Some(a));
        state.click(a);
        assert!(state.is_reset());
        state.collapse_above(a);
        assert_eq!(state.validated(&l), state);
        let small = Layout::new(&Tree::from_folded("x 5").0);
        assert!(state.validated(&small).is_reset());
        state.click(root);
        assert!(state.is_reset());
    }

    #[test]
    fn focus_collapses_rows_above_into_a_header_line() {
        let l = layout();
        let a = Target::of_bar(&l.bar(l.find(1, Ticks(0)).unwrap()).unwrap());
        let mut state = ViewState::default();
        state.collapse_above(a);
        assert_eq!(state.line_count(&l), 3);
        assert_eq!(state.content_height(&l), CssPx(66.0));
        let vp = Viewport::new(&state, &l, size(), CssPx(0.0));
        assert_eq!(vp.line_content(0), Line::Header);
        assert_eq!(vp.line_content(1), Line::Row(1));
        assert_eq!(vp.line_of_row(2), Some(2));
        assert_eq!(vp.line_of_row(0), None);
        assert_eq!(vp.line_at(CssPx(30.0), &l), Some(Line::Row(1)));
        // The canvas is 2 lines tall: the third line only after scrolling.
        assert_eq!(vp.visible_lines(&l), 0..2);
        let scrolled = Viewport::new(&state, &l, size(), CssPx(30.0));
        assert_eq!(scrolled.visible_lines(&l), 1..3);
        assert_eq!(scrolled.line_at(CssPx(0.0), &l), Some(Line::Row(1)));
        assert_eq!(scrolled.line_top(2), CssPx(14.0));
    }

    #[test]
    fn detail_thresholds_follow_the_scale() {
        let l = layout();
        let vp = Viewport::new(&ViewState::default(), &l, size(), CssPx(0.0));
        // 10 px per tick: 2 px is 0.2 ticks (rounded up to 1), half a pixel is 0.05 ticks.
        assert_eq!(vp.px_per_tick(), 10.0);
        assert_eq!(vp.detail().min_width, Ticks(1));
        assert_eq!(vp.detail().max_gap, Ticks(0));
        let rect = vp.rect(1, TickRange::new(Ticks(40), Ticks(100))).unwrap();
        assert_eq!(
            (rect.x, rect.width, rect.y),
            (CssPx(400.0), CssPx(600.0), CssPx(22.0))
        );
        assert_eq!(
            vp.rect(5, TickRange::new(Ticks(0), Ticks(1))).map(|r| r.y),
            Some(CssPx(110.0))
        );
    }
}
