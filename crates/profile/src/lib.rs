//! The profile model shared by the Cinder web app (compiled to wasm32) and server (native).
//!
//! A profile is a set of *stacks*, each with a sample count: `main;work;compute 40` says
//! that 40 samples were taken while `compute` ran, called from `work`, called from `main`.
//! Stacks sharing a prefix merge into a *call tree* whose nodes carry a `total` (samples in
//! the node and below) and a `self` (samples in the node itself).
//!
//! This crate owns that model and its wire formats. It performs no IO, never reads a
//! clock and never panics on input: decoders return typed errors, lenient parsers return
//! their value together with warnings.
//!
//! Modules:
//! - [`units`]: newtypes for the quantities that cross module boundaries (`Ticks`).
//! - [`api`]: small JSON shapes of the HTTP API shared by the app and the server.
//! - [`selector`]: series keys (`app.cpu{env=prod}`) and FlameQL selectors.
//! - [`layout`]: a tree as flamegraph rows of bars in tick space, hit-testing and search.
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
#![warn(missing_docs)]

pub mod api;
pub mod codec;
pub mod diff;
pub mod error;
pub mod flamebearer;
mod folded;
mod ingest;
pub mod layout;
mod merge;
pub mod names;
pub mod pprof;
mod render_text;
pub mod selector;
pub mod table;
pub mod tree;
pub mod truncate;
pub mod units;
mod views;

pub use diff::{Change, Diff, Side};
pub use error::{DecodeError, Warning, WarningKind};
pub use flamebearer::{Flamebearer, FlamebearerProfile};
pub use table::{DiffRow, FunctionRow, FunctionTicks};
pub use tree::{Node, Tree};
pub use truncate::{MaxNodes, Strategy};
pub use units::{NameId, NodeId, Ticks};
pub use views::Sandwich;
