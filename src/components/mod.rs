//! Presentational building blocks shared by pages.

pub mod app_selector;
pub mod compare_timeline;
pub mod diff_files;
pub mod diff_legend;
pub mod diff_table;
pub mod export;
pub mod form;
pub mod layout;
pub mod open_file;
pub mod table;
pub mod tag_bar;
pub mod time_picker;
pub mod timeline;
