//! App-wide state, one type per concern, each with the methods that change it. Components
//! hold these inside signals (wrapped in newtype contexts) and never mutate fields directly.

pub mod nav;
pub mod server;
pub mod theme;

pub use server::ServerStatus;
pub use theme::Theme;
