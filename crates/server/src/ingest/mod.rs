//! Ingestion: turning what agents send into [`Write`]s for the store. Everything is parsed
//! and validated before anything is stored, so a bad upload changes nothing.
//!
//! - [`params`]: the `/ingest` query string (name, times, format, metadata).
//! - [`body`]: Content-Encoding, gzip sniffing with a decompressed-size cap, multipart.
//! - [`formats`]: folded, lines, tree, trie and pprof bodies → writes.
//! - [`push`]: Grafana's Connect `PushRequest` → writes.
//! - [`queue`]: the single writer that batches concurrent uploads into one fsync.

pub mod body;
pub mod formats;
pub mod params;
pub mod push;
pub mod queue;

pub use queue::WriteQueue;

/// Size limits applied to uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted, in bytes (413 above).
    pub max_body: usize,
    /// Largest decompressed body or part, in bytes (413 above): stops gzip bombs.
    pub max_decompressed: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 64 * 1024 * 1024,
            max_decompressed: 256 * 1024 * 1024,
        }
    }
}

/// Labels that identify single profiles (exemplars) rather than series; never series tags.
pub const EXEMPLAR_LABELS: &[&str] = &["profile_id", "span_id"];
