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

pub mod api;
pub mod selector;
pub mod units;

pub use units::Ticks;
