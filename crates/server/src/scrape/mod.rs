//! Pull mode: profiles fetched from targets' `/debug/pprof` endpoints on a schedule, as the
//! original's `scrape-configs` describe, and stored like uploads. It sits beside `ingest/`
//! and reaches the store through ingest's typed entry point ([`crate::ingest::Upload`]),
//! never through query strings or HTTP errors; the loops that run it live in
//! `jobs::scrape`.
//!
//! - [`config`]: the `scrape-configs` section of the config file (the original's keys);
//! - [`plan`]: configs → the endpoints to scrape (built-in profiles, addresses, labels);
//! - [`fetch`]: one bounded `GET` (timeout, body limit, memory budget);
//! - [`targets`]: every endpoint's health after its last scrape, as `GET /targets` shows.

pub mod config;
pub mod fetch;
pub mod plan;
pub mod targets;

use std::time::Duration;

pub use config::ScrapeConfig;
pub use plan::{endpoints, Endpoint, PlanError};
pub use targets::{TargetState, Targets};

use crate::ingest::IngestError;

/// Why one scrape stored nothing; the text is the target's `lastError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScrapeError {
    /// The URL cannot be requested.
    #[error("invalid URL {0}")]
    Url(String),
    /// No connection (refused, unknown host, TLS failure, connection reset).
    #[error("{0}")]
    Connect(String),
    /// No complete answer within the scrape timeout.
    #[error("timeout: no complete answer within {0:?}")]
    Timeout(Duration),
    /// An answer other than 200.
    #[error("server returned HTTP status {0}")]
    Status(String),
    /// A body over the upload limit.
    #[error("body too large: {0}")]
    TooLarge(String),
    /// The body broke off.
    #[error("reading the body: {0}")]
    Body(String),
    /// Uploads in flight hold the whole upload memory budget.
    #[error("the server is busy with uploads (memory budget spent)")]
    Busy,
    /// The body is not a profile ingestion can read.
    #[error("unparseable profile: {0}")]
    Profile(#[from] IngestError),
    /// The store refused the data.
    #[error("storing the profile failed: {0}")]
    Store(String),
}
