//! Cinder's web app: a Leptos client-side-rendered single-page app, compiled to wasm32.
//!
//! The code splits by what it may touch:
//! - [`state`]: app-wide state as plain Rust types with methods. No browser APIs, so it is
//!   unit-tested natively with `cargo test`.
//! - `api` (wasm32 only): the boundary to the browser and the server. Every HTTP call and
//!   every `web_sys` call outside the flamegraph painter lives there.
//! - `app`, `components`, `pages` (wasm32 only): Leptos components. They read signals and
//!   memos and call `state` methods; they hold no business logic.
//!
//! The profile model (trees, flamebearer, merge, diff) comes from `cinder-profile`.

pub mod flamegraph;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod effect;
#[cfg(target_arch = "wasm32")]
pub mod pages;
