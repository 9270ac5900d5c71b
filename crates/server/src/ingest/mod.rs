//! Ingestion: turning what agents send into [`Write`]s for the store. Everything is parsed
//! and validated before anything is stored, so a bad upload changes nothing.
//!
//! - [`params`]: the `/ingest` query string (name, times, format, metadata).
//! - [`budget`]: the memory all uploads in flight may hold together, and each one's lease.
//! - [`body`]: reading the body within the size limit and the lease; multipart.
//! - [`inflate`]: Content-Encoding and gzip sniffing, inflated as a stream within the lease.
//! - [`upload`]: the typed entry point: an [`Upload`] (key, window, metadata, profile)
//!   → writes, or an [`IngestError`]; `/ingest` and the scraper both go through it.
//! - [`formats`]: `/ingest` bodies (folded, lines, tree, trie, pprof, multipart) → the
//!   upload's payload.
//! - [`push`]: Grafana's Connect `PushRequest` → writes.
//! - [`queue`]: the single writer that batches concurrent uploads into one fsync.
// Stored and uploaded bytes are never trusted: no unwrap outside tests.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod body;
pub mod budget;
pub mod formats;
pub mod inflate;
pub mod params;
pub mod push;
pub mod queue;
pub mod upload;

pub use queue::WriteQueue;
pub use upload::{IngestError, Payload, PprofPayload, Upload};

/// Size limits applied to uploads.
///
/// The defaults come from the largest real profiles: Grafana Pyroscope refuses profiles
/// above 4 MiB uncompressed by default (`validation.max-profile-size-bytes`), a limit its
/// agents' fleets live with, and the agent uploads we recorded are a few kB. 32 MiB is eight
/// times that limit, for big folded uploads (eBPF, long Java stacks) and `prev_profile`
/// pairs, while sixteen concurrent bombs, each stopped at the cap, stay within the 128 MiB
/// that uploads may hold together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted, in bytes (413 above).
    pub max_body: usize,
    /// Largest total size the gzip streams of one upload (body, parts, nested profiles)
    /// may decompress to, in bytes (413 above): stops gzip bombs.
    pub max_decompressed: usize,
    /// Bytes that all uploads in flight may hold together (bodies and decompressed
    /// buffers); an upload that would exceed it waits briefly, then gets 503 with
    /// `Retry-After`.
    pub max_in_flight: usize,
}

impl Limits {
    /// Default of [`Limits::max_body`] and [`Limits::max_decompressed`].
    pub const DEFAULT_MAX_UPLOAD: usize = 32 * 1024 * 1024;
    /// Default of [`Limits::max_in_flight`].
    pub const DEFAULT_MAX_IN_FLIGHT: usize = 128 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: Self::DEFAULT_MAX_UPLOAD,
            max_decompressed: Self::DEFAULT_MAX_UPLOAD,
            max_in_flight: Self::DEFAULT_MAX_IN_FLIGHT,
        }
    }
}

/// Labels that identify single profiles (exemplars) rather than series; never series tags.
pub const EXEMPLAR_LABELS: &[&str] = &["profile_id", "span_id"];
