//! The flamegraph renderer: a profile drawn on one `<canvas>`, Pyroscope style.
//!
//! The work splits by what it may touch:
//! - pure and native-tested: [`model`] (what is drawn, computed once per profile: the
//!   [`cinder_profile::layout`], name colours, value formatter), [`viewport`] (zoom and focus
//!   state, ticks ↔ CSS ↔ device pixels), [`palette`], [`format`], [`paint`] (one frame,
//!   through the [`painter::Painter`] trait), [`hit_test`] (pointer and keyboard), [`tooltip`];
//! - browser only: `painter::CanvasPainter` (the only canvas API user), `chart_canvas` (the
//!   canvas host: size, devicePixelRatio, animation frames, pointer events), `state` (the
//!   signals a page drives), the `FlameGraph` component and the `bench` hooks.

pub mod format;
pub mod hit_test;
pub mod model;
pub mod paint;
pub mod painter;
pub mod palette;
pub mod tooltip;
pub mod viewport;
