//! The crate's integration suites, one test binary (one link step).
//!
//! - `folded`: folded/lines text in, indented tree and folded text out; agent fixtures.

mod codec;
mod common;
mod flamebearer;
mod folded;
mod pprof;
mod props;
mod transform;
