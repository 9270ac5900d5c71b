//! The drawing surface [`paint`](super::paint) talks to: a [`Painter`] trait with two
//! implementations. [`RecordingPainter`] logs every call as readable text so native tests
//! can snapshot a frame (Firefox's canvas-context mock, without a browser);
//! `CanvasPainter` (wasm32 only) draws on a `<canvas>` 2D context and is the only code of the
//! app that touches the canvas API.
//!
//! All coordinates are [`DevicePx`]. Text is drawn with a middle baseline in one monospace
//! font, so a label's width is its character count times [`Painter::char_width`]: text is
//! measured once per frame, never per label.

use std::fmt::Write;

use super::palette::Rgba;
use super::viewport::DevicePx;

/// The font stack of labels (Pyroscope's), monospace so widths are `chars × char width`.
pub const FONT_FAMILY: &str =
    "\"SF Mono\", \"SFMono-Regular\", Consolas, \"Liberation Mono\", Menlo, monospace";

/// A rectangle in device pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeviceRect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// A 2D drawing surface in device pixels.
pub trait Painter {
    /// Clears `[0, width) × [0, height)` to transparent.
    fn clear(&mut self, width: DevicePx, height: DevicePx);
    /// Sets the colour of following fills (rectangles and text).
    fn set_fill(&mut self, color: Rgba);
    /// Fills a rectangle with the current colour.
    fn fill_rect(&mut self, x: DevicePx, y: DevicePx, width: DevicePx, height: DevicePx);
    /// Fills many rectangles with the current colour. A canvas does it as one path and one
    /// fill, far cheaper than a `fillRect` each; the default fills them one by one.
    fn fill_rects(&mut self, rects: &[DeviceRect]) {
        for r in rects {
            self.fill_rect(DevicePx(r.x), DevicePx(r.y), DevicePx(r.w), DevicePx(r.h));
        }
    }
    /// Sets the label font: [`FONT_FAMILY`] at `size`.
    fn set_font(&mut self, size: DevicePx);
    /// Advance width of one character of the current font.
    fn char_width(&mut self) -> DevicePx;
    /// Draws `text` starting at `x`, vertically centred on `y`.
    fn fill_text(&mut self, text: &str, x: DevicePx, y: DevicePx);
}

/// One recorded call.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// [`Painter::clear`].
    Clear(f64, f64),
    /// [`Painter::set_fill`].
    Fill(Rgba),
    /// [`Painter::fill_rect`].
    Rect(f64, f64, f64, f64),
    /// [`Painter::set_font`].
    Font(f64),
    /// [`Painter::fill_text`].
    Text(String, f64, f64),
}

/// A [`Painter`] that records calls. Its font is exactly 0.6 × size wide per character.
#[derive(Debug, Clone, Default)]
pub struct RecordingPainter {
    /// Every call so far, in order.
    pub ops: Vec<Op>,
    font: f64,
}

impl RecordingPainter {
    /// An empty recording.
    #[must_use]
    pub fn new() -> RecordingPainter {
        RecordingPainter::default()
    }

    /// The recording as text, one call per line, for snapshot assertions.
    #[must_use]
    pub fn snapshot(&self) -> String {
        let mut out = String::new();
        for op in &self.ops {
            let _ = match op {
                Op::Clear(w, h) => writeln!(out, "clear {w}x{h}"),
                Op::Fill(c) => writeln!(out, "fill {}", c.css()),
                Op::Rect(x, y, w, h) => writeln!(out, "rect {x},{y} {w}x{h}"),
                Op::Font(s) => writeln!(out, "font {s}"),
                Op::Text(t, x, y) => writeln!(out, "text {x},{y} {t:?}"),
            };
        }
        out
    }

    /// Number of recorded calls matching `pred`.
    pub fn count(&self, pred: impl Fn(&Op) -> bool) -> usize {
        self.ops.iter().filter(|op| pred(op)).count()
    }
}

impl Painter for RecordingPainter {
    fn clear(&mut self, width: DevicePx, height: DevicePx) {
        self.ops.push(Op::Clear(width.0, height.0));
    }

    fn set_fill(&mut self, color: Rgba) {
        self.ops.push(Op::Fill(color));
    }

    fn fill_rect(&mut self, x: DevicePx, y: DevicePx, width: DevicePx, height: DevicePx) {
        self.ops.push(Op::Rect(x.0, y.0, width.0, height.0));
    }

    fn set_font(&mut self, size: DevicePx) {
        self.font = size.0;
        self.ops.push(Op::Font(size.0));
    }

    fn char_width(&mut self) -> DevicePx {
        DevicePx(self.font * 0.6)
    }

    fn fill_text(&mut self, text: &str, x: DevicePx, y: DevicePx) {
        self.ops.push(Op::Text(text.to_owned(), x.0, y.0));
    }
}

#[cfg(target_arch = "wasm32")]
pub use canvas::CanvasPainter;

#[cfg(target_arch = "wasm32")]
mod canvas {
    use wasm_bindgen::JsCast;
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

    use super::{DeviceRect, Painter, FONT_FAMILY};
    use crate::flamegraph::palette::Rgba;
    use crate::flamegraph::viewport::DevicePx;

    /// A [`Painter`] over a canvas' 2D context. Keep one per canvas: it caches the current
    /// fill colour (setting `fillStyle` parses CSS, so repeated colours are skipped) and the
    /// font with its measured character width (setting `font` parses and resolves it, about
    /// a millisecond). Call [`CanvasPainter::context_reset`] after resizing the canvas.
    #[derive(Debug)]
    pub struct CanvasPainter {
        canvas: HtmlCanvasElement,
        ctx: CanvasRenderingContext2d,
        fill: Option<Rgba>,
        font: Option<(f64, f64)>,
    }

    impl CanvasPainter {
        /// The painter of `canvas`, or `None` if it has no 2D context.
        #[must_use]
        pub fn new(canvas: &HtmlCanvasElement) -> Option<CanvasPainter> {
            let ctx = canvas
                .get_context("2d")
                .ok()
                .flatten()?
                .dyn_into::<CanvasRenderingContext2d>()
                .ok()?;
            ctx.set_text_baseline("middle");
            Some(CanvasPainter {
                canvas: canvas.clone(),
                ctx,
                fill: None,
                font: None,
            })
        }

        /// True when this painter draws on `canvas`.
        #[must_use]
        pub fn draws_on(&self, canvas: &HtmlCanvasElement) -> bool {
            self.canvas == *canvas
        }

        /// Forgets the cached state after a resize, which resets the context's.
        pub fn context_reset(&mut self) {
            self.fill = None;
            self.font = None;
            self.ctx.set_text_baseline("middle");
        }
    }

    impl Painter for CanvasPainter {
        fn clear(&mut self, width: DevicePx, height: DevicePx) {
            self.ctx.clear_rect(0.0, 0.0, width.0, height.0);
        }

        fn set_fill(&mut self, color: Rgba) {
            if self.fill != Some(color) {
                self.ctx.set_fill_style_str(&color.css());
                self.fill = Some(color);
            }
        }

        fn fill_rect(&mut self, x: DevicePx, y: DevicePx, width: DevicePx, height: DevicePx) {
            self.ctx.fill_rect(x.0, y.0, width.0, height.0);
        }

        fn fill_rects(&mut self, rects: &[DeviceRect]) {
            if let [r] = rects {
                self.ctx.fill_rect(r.x, r.y, r.w, r.h);
                return;
            }
            self.ctx.begin_path();
            for r in rects {
                self.ctx.rect(r.x, r.y, r.w, r.h);
            }
            self.ctx.fill();
        }

        fn set_font(&mut self, size: DevicePx) {
            if self.font.map(|f| f.0) != Some(size.0) {
                self.ctx.set_font(&format!("{}px {FONT_FAMILY}", size.0));
                let width = self
                    .ctx
                    .measure_text("a")
                    .map_or(size.0 * 0.6, |m| m.width());
                self.font = Some((size.0, width));
            }
        }

        fn char_width(&mut self) -> DevicePx {
            DevicePx(self.font.map_or(0.0, |f| f.1))
        }

        fn fill_text(&mut self, text: &str, x: DevicePx, y: DevicePx) {
            let _ = self.ctx.fill_text(text, x.0, y.0);
        }
    }
}
