//! The app's boundary to the outside world. Every HTTP request goes through [`http`], every
//! other browser API (local storage, the document element) through [`browser`]; components
//! call these typed functions and never touch `gloo-net` or `web_sys` themselves.

pub mod browser;
pub mod error;
pub mod http;

pub use error::ApiError;
