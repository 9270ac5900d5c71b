//! Draws one frame of the flamegraph: pure with respect to the [`Painter`], so the same
//! code runs on a canvas and under a recording in native tests.
//!
//! Only lines inside the canvas are visited, and in each line only the bars intersecting
//! the visible tick range ([`Layout::drawn`](cinder_profile::layout::Layout::drawn)). Bars
//! are collected into batches by colour and each batch is filled after one colour change;
//! labels come last in one font. Labels are formatted only for bars at least
//! [`MIN_LABEL_WIDTH`] wide, and cut to whole characters from the font's measured
//! character width, so no text is measured per bar. The scratch buffers are reused frame to
//! frame: a frame allocates nothing in proportion to the tree.

use std::fmt::Write;

use cinder_profile::layout::{Bar, Drawn, Run};
use cinder_profile::{NameId, NodeId, Ticks};

use super::format::write_percent;
use super::model::{Scene, TextFit};
use super::painter::{DeviceRect as Rect, Painter};
use super::palette::{Rgb, Rgba, DIM_ALPHA, GREY, LABEL};
use super::viewport::{CssPx, DevicePx, Line, Viewport, LINE_HEIGHT};

/// Bars narrower than this get no label (Pyroscope's threshold).
pub const MIN_LABEL_WIDTH: CssPx = CssPx(20.0);
/// Label font size.
pub const FONT_SIZE: CssPx = CssPx(11.5);
/// Space left of a label.
pub const LABEL_MARGIN: CssPx = CssPx(3.0);
/// Runs of thin bars that contain highlighted bars, so tiny matches stay visible.
pub const MATCHED_RUN: Rgb = Rgb(72, 206, 115);

/// Counts of one frame, for performance checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PaintStats {
    /// Lines drawn (header included).
    pub lines: usize,
    /// Bars drawn on their own.
    pub bars: usize,
    /// Merged runs drawn.
    pub runs: usize,
    /// Rectangles filled (bars, runs, header).
    pub rects: usize,
    /// Fill colour changes for rectangles.
    pub colors: usize,
    /// Labels drawn.
    pub labels: usize,
}

/// What a label says, resolved only when it is drawn.
#[derive(Debug, Clone, Copy)]
enum LabelText {
    Bar {
        name: NameId,
        node: NodeId,
        ticks: Ticks,
    },
    Header {
        collapsed: usize,
    },
}

#[derive(Debug, Clone, Copy)]
struct Label {
    text: LabelText,
    x: f64,
    y: f64,
    /// Room for text, device px.
    room: f64,
}

/// Buffers reused from frame to frame.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Rectangles by colour; only the first `used` batches belong to this frame.
    batches: Vec<(Rgba, Vec<Rect>)>,
    used: usize,
    /// The batch of the previous push: consecutive bars mostly share a colour.
    last: usize,
    labels: Vec<Label>,
    text: String,
}

impl Scratch {
    fn clear(&mut self) {
        for (_, rects) in &mut self.batches {
            rects.clear();
        }
        self.used = 0;
        self.last = 0;
        self.labels.clear();
    }

    /// The batch of `color`, created (or recycled from an earlier frame) if new. A frame has
    /// a few dozen colours, so a scan beats hashing.
    #[inline]
    fn slot(&mut self, color: Rgba) -> usize {
        if self.last < self.used && self.batches.get(self.last).is_some_and(|b| b.0 == color) {
            return self.last;
        }
        let found = self
            .batches
            .iter()
            .take(self.used)
            .position(|b| b.0 == color);
        let slot = found.unwrap_or_else(|| {
            if self.used == self.batches.len() {
                self.batches.push((color, Vec::new()));
            } else if let Some(batch) = self.batches.get_mut(self.used) {
                batch.0 = color;
            }
            self.used += 1;
            self.used - 1
        });
        self.last = slot;
        slot
    }

    /// Queues `rect`, or widens the batch's previous rectangle when `rect` continues it on
    /// the same line (neighbouring runs of one colour become one fill).
    fn push(&mut self, color: Rgba, rect: Rect) {
        let slot = self.slot(color);
        let Some((_, rects)) = self.batches.get_mut(slot) else {
            return;
        };
        match rects.last_mut() {
            Some(last) if last.y == rect.y && last.h == rect.h && rect.x <= last.x + last.w => {
                last.w = (rect.x + rect.w).max(last.x + last.w) - last.x;
            }
            _ => rects.push(rect),
        }
    }
}

/// Draws `scene` as seen through `viewport`.
pub fn paint(
    scene: &Scene<'_>,
    viewport: &Viewport,
    scratch: &mut Scratch,
    painter: &mut impl Painter,
) -> PaintStats {
    let mut stats = PaintStats::default();
    let (width, height) = viewport.size.device();
    painter.clear(DevicePx(f64::from(width)), DevicePx(f64::from(height)));
    scratch.clear();
    let layout = &scene.model.layout;
    if viewport.px_per_tick() <= 0.0 {
        return stats;
    }
    let frame = Frame::new(viewport, f64::from(width));
    for line in viewport.visible_lines(layout) {
        stats.lines += 1;
        let y = frame.line_y(line);
        match viewport.line_content(line) {
            Line::Header => header(&frame, y, viewport.top_row, scratch, &mut stats),
            Line::Row(row) => draw_row(scene, &frame, row, y, scratch, &mut stats),
        }
    }
    // Highlighted slivers go last: a one-pixel match must not vanish under grey.
    let batches = scratch.batches.iter().take(scratch.used);
    let plain = batches.clone().filter(|(c, _)| c.rgb != MATCHED_RUN);
    let matched = batches.filter(|(c, _)| c.rgb == MATCHED_RUN);
    for (color, rects) in plain.chain(matched) {
        painter.set_fill(*color);
        stats.colors += 1;
        stats.rects += rects.len();
        painter.fill_rects(rects);
    }
    draw_labels(scene, &frame, scratch, painter, &mut stats);
    stats
}

/// The frame's pixel geometry, snapped to device pixels.
struct Frame<'v> {
    vp: &'v Viewport,
    dpr: f64,
    device_width: f64,
    bar_height: f64,
    /// First visible tick and device pixels per tick, so `x` is one multiply-add.
    origin: f64,
    scale: f64,
}

impl<'v> Frame<'v> {
    fn new(vp: &'v Viewport, device_width: f64) -> Frame<'v> {
        let dpr = vp.size.dpr;
        let gap = (0.5 * dpr).round().max(1.0);
        Frame {
            vp,
            dpr,
            device_width,
            bar_height: (LINE_HEIGHT.0 * dpr).round() - gap,
            origin: vp.range.start.0 as f64,
            scale: vp.px_per_tick() * dpr,
        }
    }

    fn line_y(&self, line: usize) -> f64 {
        (self.vp.line_top(line).0 * self.dpr).round()
    }

    /// Exact device x of a tick.
    #[inline]
    fn exact(&self, tick: Ticks) -> f64 {
        (tick.0 as f64 - self.origin) * self.scale
    }

    /// Device x of a tick, clamped to the canvas and snapped to a pixel.
    #[inline]
    fn x(&self, tick: Ticks) -> f64 {
        // Ties to even: one wasm instruction (`f64.nearest`), where `round` is a call; the
        // hottest line of a frame. Halfway ticks are as good on either pixel.
        self.exact(tick)
            .clamp(0.0, self.device_width)
            .round_ties_even()
    }

    fn px(&self, css: CssPx) -> f64 {
        (css.0 * self.dpr).round()
    }
}

fn header(
    frame: &Frame<'_>,
    y: f64,
    collapsed: usize,
    scratch: &mut Scratch,
    stats: &mut PaintStats,
) {
    let rect = Rect {
        x: 0.0,
        y,
        w: frame.device_width,
        h: frame.bar_height,
    };
    scratch.push(GREY, rect);
    stats.bars += 1;
    push_label(frame, rect, LabelText::Header { collapsed }, scratch);
}

fn draw_row(
    scene: &Scene<'_>,
    frame: &Frame<'_>,
    row: usize,
    y: f64,
    scratch: &mut Scratch,
    stats: &mut PaintStats,
) {
    let vp = frame.vp;
    let dim = row < vp.dim_before;
    let class = scene.class();
    // Right edge of what this line already shows, in device pixels.
    let mut covered = f64::NEG_INFINITY;
    for item in scene.model.layout.drawn(row, vp.range, vp.detail(), &class) {
        let drawn = match item {
            Drawn::Bar(bar) => {
                let color = bar_color(scene, &bar, class(bar.name));
                let x1 = draw_bar(frame, &bar, y, with_dim(color, dim), scratch);
                stats.bars += usize::from(x1.is_some());
                x1
            }
            Drawn::Run(run) => {
                let color = with_dim(run_color(&run), dim);
                let x1 = draw_run(frame, &run, y, color, covered, scratch);
                stats.runs += usize::from(x1.is_some());
                x1
            }
        };
        covered = drawn.map_or(covered, |x1| x1.max(covered));
    }
}

fn bar_color(scene: &Scene<'_>, bar: &Bar, highlighted: bool) -> Rgba {
    if scene.highlight.is_some() && !highlighted {
        GREY
    } else if let Some(sides) = scene.sides() {
        sides.color(bar.node, &scene.diff).opaque()
    } else {
        scene
            .model
            .colors
            .color(scene.model.tree(), bar.name)
            .opaque()
    }
}

fn run_color(run: &Run) -> Rgba {
    if run.class {
        MATCHED_RUN.opaque()
    } else {
        GREY
    }
}

#[inline]
fn with_dim(color: Rgba, dim: bool) -> Rgba {
    if dim {
        let alpha = f64::from(color.alpha) / 255.0 * DIM_ALPHA;
        color.rgb.with_alpha(alpha)
    } else {
        color
    }
}

/// Queues a bar and its label; returns its right edge, `None` when it rounds to nothing.
fn draw_bar(
    frame: &Frame<'_>,
    bar: &Bar,
    y: f64,
    color: Rgba,
    scratch: &mut Scratch,
) -> Option<f64> {
    let (x0, x1) = (frame.x(bar.range.start), frame.x(bar.range.end));
    let mut w = x1 - x0;
    if w <= 0.0 {
        return None;
    }
    // A one-device-pixel gap separates neighbours, except on bars too thin to spare it.
    if w >= 3.0 {
        w -= 1.0;
    }
    let rect = Rect {
        x: x0,
        y,
        w,
        h: frame.bar_height,
    };
    scratch.push(color, rect);
    if x1 - x0 >= frame.px(MIN_LABEL_WIDTH) {
        let text = LabelText::Bar {
            name: bar.name,
            node: bar.node,
            ticks: bar.range.len(),
        };
        push_label(frame, rect, text, scratch);
    }
    Some(x1)
}

/// Queues a merged run: at least one device pixel wide unless it covers under half of one.
/// A plain run lying entirely on pixels the line already shows (`covered`) is skipped.
fn draw_run(
    frame: &Frame<'_>,
    run: &Run,
    y: f64,
    color: Rgba,
    covered: f64,
    scratch: &mut Scratch,
) -> Option<f64> {
    let (x0, mut x1) = (frame.x(run.range.start), frame.x(run.range.end));
    if x1 <= x0 {
        if frame.exact(run.range.end) - frame.exact(run.range.start) < 0.5
            || x0 >= frame.device_width
        {
            return None;
        }
        x1 = x0 + 1.0;
    }
    if !run.class && x1 <= covered {
        return None;
    }
    let rect = Rect {
        x: x0,
        y,
        w: x1 - x0,
        h: frame.bar_height,
    };
    scratch.push(color, rect);
    Some(x1)
}

fn push_label(frame: &Frame<'_>, rect: Rect, text: LabelText, scratch: &mut Scratch) {
    let margin = frame.px(LABEL_MARGIN);
    scratch.labels.push(Label {
        text,
        x: rect.x + margin,
        y: rect.y + frame.bar_height / 2.0,
        room: rect.w - margin,
    });
}

fn draw_labels(
    scene: &Scene<'_>,
    frame: &Frame<'_>,
    scratch: &mut Scratch,
    painter: &mut impl Painter,
    stats: &mut PaintStats,
) {
    if scratch.labels.is_empty() {
        return;
    }
    painter.set_font(DevicePx(FONT_SIZE.0 * frame.dpr));
    let char_width = painter.char_width().0;
    if char_width <= 0.0 {
        return;
    }
    painter.set_fill(LABEL);
    let Scratch { labels, text, .. } = scratch;
    for label in labels.iter() {
        let room = (label.room / char_width).floor().max(0.0) as usize;
        if room == 0 {
            continue;
        }
        text.clear();
        fit_label(scene, label.text, room, text);
        if !text.is_empty() {
            painter.fill_text(text, DevicePx(label.x), DevicePx(label.y));
            stats.labels += 1;
        }
    }
}

/// Writes the label of `what` cut to `room` characters into `out`.
fn fit_label(scene: &Scene<'_>, what: LabelText, room: usize, out: &mut String) {
    let model = scene.model;
    let (name, node, ticks) = match what {
        LabelText::Header { collapsed } => {
            let s = if collapsed == 1 { "" } else { "s" };
            let _ = write!(out, "total ({collapsed} level{s} collapsed)");
            return truncate_head(out, room);
        }
        LabelText::Bar { name, node, ticks } => (name, node, ticks),
    };
    let name = match model.tree().names().resolve(name) {
        "" if name == NameId::EMPTY => "total",
        n => n,
    };
    let name_chars = name.chars().count();
    if scene.fit == TextFit::Head && name_chars >= room {
        out.extend(name.chars().take(room));
        return;
    }
    out.push_str(name);
    out.push_str(" (");
    if let Some(sides) = scene.sides() {
        // A diff bar says how it changed.
        out.push_str(&sides.node(node, scene.diff.mode).change.label_text());
    } else {
        write_percent(ticks.ratio_of(model.layout.total()), out);
        out.push_str(", ");
        model.formatter.write(ticks, out);
    }
    out.push(')');
    let label_chars = out.chars().count();
    match scene.fit {
        TextFit::Head => truncate_head(out, room),
        TextFit::Tail if label_chars <= room => {}
        TextFit::Tail => {
            out.clear();
            let skip = name_chars.saturating_sub(room);
            out.extend(name.chars().skip(skip));
        }
    }
}

fn truncate_head(out: &mut String, room: usize) {
    if let Some((cut, _)) = out.char_indices().nth(room) {
        out.truncate(cut);
    }
}

#[cfg(test)]
mod tests;
