//! Presentational building blocks shared by pages.

pub mod layout;
