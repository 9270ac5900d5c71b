//! The crate's integration suites, one test binary (one link step).
//!
//! - `folded`: folded/lines text in, indented tree and folded text out; agent fixtures.

// Native only: the suites read fixtures from disk and use proptest (see Cargo.toml).
#![cfg(not(target_arch = "wasm32"))]

mod codec;
mod common;
mod flamebearer;
mod folded;
mod pprof;
mod props;
mod stream;
mod transform;
