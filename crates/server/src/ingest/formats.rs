//! Body formats of `/ingest` (spec §4.4) → the [`Payload`] of an [`super::Upload`]. Only
//! multipart needs work here (its parts are read and inflated within the upload's lease);
//! parsing the profile itself is [`super::Upload::writes`]'s job.

use bytes::Bytes;
use cinder_profile::pprof::SampleTypeConfigs;

use super::body::parse_multipart;
use super::budget::Lease;
use super::params::BodyFormat;
use super::upload::{Payload, PprofPayload};
use crate::error::AppError;

/// The profile an `/ingest` body carries; `None` for a multipart upload without a
/// `profile` part (as the original: nothing to store, still 200). The route has inflated
/// a gzip body already; multipart parts are inflated within `lease`.
pub async fn payload_for(
    format: BodyFormat,
    content_type: &str,
    body: Bytes,
    lease: &mut Lease,
) -> Result<Option<Payload>, AppError> {
    Ok(Some(match format {
        BodyFormat::Folded => Payload::Folded(body),
        BodyFormat::Lines => Payload::Lines(body),
        BodyFormat::Tree => Payload::Tree(body),
        BodyFormat::Trie => Payload::Trie(body),
        BodyFormat::Pprof => Payload::Pprof(PprofPayload {
            profile: body,
            ..PprofPayload::default()
        }),
        BodyFormat::Multipart => {
            let up = parse_multipart(content_type, body, lease).await?;
            let Some(profile) = up.profile.filter(|p| !p.is_empty()) else {
                return Ok(None);
            };
            let sample_types = match up.sample_type_config {
                Some(json) => Some(
                    SampleTypeConfigs::from_json(&String::from_utf8_lossy(&json))
                        .map_err(|e| AppError::BadBody(format!("sample_type_config: {e}")))?,
                ),
                None => None,
            };
            Payload::Pprof(PprofPayload {
                profile,
                previous: up.prev_profile,
                sample_types,
            })
        }
    }))
}
