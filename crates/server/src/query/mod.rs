//! Query-side semantics: the timeline grid, compiled selectors, and
//! what `/render` reads from the store.

pub mod matcher;
pub mod render;

pub mod timeline;
