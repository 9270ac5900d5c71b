//! Query-side semantics that do not touch storage: time expressions, the timeline grid and
//! regex compilation of selectors.

pub mod matcher;
pub mod time;
pub mod timeline;
