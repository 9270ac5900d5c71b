//! App-wide state, one type per concern, each with the methods that change it. Components
//! hold these inside signals (wrapped in newtype contexts) and never mutate fields directly.

pub mod apps;
pub mod clock;
pub mod diff_table;
pub mod diff_view;
pub mod directory;
pub mod forms;
pub mod nav;
pub mod profile;
pub mod selections;
pub mod server;
pub mod session;
pub mod shown;
pub mod snippets;
pub mod source;
pub mod table;
pub mod tags;
pub mod targets;
pub mod theme;
pub mod time_range;
pub mod timeline;
pub mod view;

pub use server::ServerStatus;
pub use session::SessionState;
pub use theme::Theme;
