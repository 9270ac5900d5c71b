//! pprof: the protobuf profile format of Go, and of most agents today.
//!
//! [`decode`] turns a pprof body (plain or gzip) into one [`Tree`](crate::Tree) per sample type and per
//! *label set* (the string labels of its samples: agents put tags such as `env` or
//! `thread_name` there). [`DecodedProfile::resolve_configs`] decides which series suffix,
//! units, aggregation and sample rate every sample type gets (the original server's table,
//! pyroscope-api.md §4.5, extended so that no type is dropped: see `resolve`), and
//! [`DecodedProfile::series_with`] produces the series, the cumulative types needing the
//! previous profile. [`encode`] writes a tree back as pprof, for `format=pprof` renders.
//! [`decode_push`] reads the Connect `PushRequest` of current agents, whose samples are
//! pprof bodies.
//!
//! Stacks follow the original: a sample's locations are leaf first, so the stack is built
//! from the last location; a location with several lines (inlining) contributes frames
//! from its last line to its first; lines with an unknown function or an empty function
//! name contribute nothing.

mod decode;
mod encode;
mod mapping;
pub mod proto;
mod resolve;

use std::borrow::Cow;

pub use decode::{decode, DecodeOptions, DecodedProfile, FrameNames, LabelSet, SampleType, Series};
pub use encode::{encode, EncodeOptions};
pub use mapping::{Aggregation, OgSeries, SampleTypeConfig, SampleTypeConfigs};
pub use resolve::{default_config, is_nanoseconds, NANOSECOND_RATE};

use crate::error::DecodeError;

/// The default cap on a gunzipped body: far above any real profile, far below memory.
pub const DEFAULT_MAX_DECOMPRESSED: usize = 256 * 1024 * 1024;

/// `bytes`, gunzipped if it starts with the gzip magic `1f 8b` (agents gzip pprof bodies
/// with or without a `Content-Encoding` header). Output beyond `limit` bytes is an error.
/// Without the `gzip` feature (the web app, whose browser inflates) gzip is an error.
pub fn gunzip_if_needed(bytes: &[u8], limit: usize) -> Result<Cow<'_, [u8]>, DecodeError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(bytes));
    }
    gunzip(bytes, limit).map(Cow::Owned)
}

#[cfg(feature = "gzip")]
fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    use std::io::Read;
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::MultiGzDecoder::new(bytes)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Gzip(e.to_string()))?;
    if out.len() > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    Ok(out)
}

#[cfg(not(feature = "gzip"))]
fn gunzip(_bytes: &[u8], _limit: usize) -> Result<Vec<u8>, DecodeError> {
    Err(DecodeError::Gzip(
        "not inflated (this build reads gzip only once its caller has inflated it)".into(),
    ))
}

/// Decodes a Connect `PushRequest` body (gzip sniffed, as for pprof).
pub fn decode_push(body: &[u8], limit: usize) -> Result<proto::PushRequest, DecodeError> {
    use prost::Message;
    let body = gunzip_if_needed(body, limit)?;
    proto::PushRequest::decode(&*body).map_err(|e| DecodeError::Protobuf(e.to_string()))
}
