//! Body formats of `/ingest` (spec §4.4) → writes. Text formats keep the app name as sent
//! (agents include the `.cpu` suffix); pprof appends a suffix per sample type and lifts
//! string sample labels into series labels (URL labels win).

use bytes::Bytes;
use cinder_profile::pprof::{
    self, DecodeOptions, DecodedProfile, FrameNames, OgSeries, SampleTypeConfigs,
};
use cinder_profile::selector::SeriesKey;
use cinder_profile::{Tree, WarningKind};

use super::body::{decode_error, parse_multipart};
use super::budget::Lease;
use super::params::{BodyFormat, IngestParams};
use super::{Limits, EXEMPLAR_LABELS};
use crate::error::AppError;
use crate::store::{SeriesMeta, Write};

/// Parses an `/ingest` body into the writes it stands for. Nothing is stored here. The
/// route has inflated a gzip body already; multipart parts are inflated within `lease`.
pub async fn writes_for(
    params: &IngestParams,
    format: BodyFormat,
    content_type: &str,
    body: Bytes,
    limits: &Limits,
    lease: &mut Lease,
) -> Result<Vec<Write>, AppError> {
    let single = |tree: Tree| {
        vec![Write {
            key: params.key.clone(),
            meta: params.meta.clone(),
            window: params.window,
            tree,
        }]
    };
    match format {
        BodyFormat::Folded => Ok(single(folded(&body)?)),
        BodyFormat::Lines => Ok(single(Tree::from_lines(&body).0)),
        BodyFormat::Tree => Ok(single(
            Tree::from_tree_format(&body).map_err(|e| decode_error(&e))?,
        )),
        BodyFormat::Trie => Ok(single(
            Tree::from_trie_format(&body).map_err(|e| decode_error(&e))?,
        )),
        BodyFormat::Pprof => pprof_writes(params, &body, None, None, limits),
        BodyFormat::Multipart => {
            let up = parse_multipart(content_type, body, lease).await?;
            let Some(profile) = up.profile.filter(|p| !p.is_empty()) else {
                return Ok(Vec::new()); // as the original: nothing to store, still 200
            };
            let config = match up.sample_type_config {
                Some(json) => Some(
                    SampleTypeConfigs::from_json(&String::from_utf8_lossy(&json))
                        .map_err(|e| AppError::BadBody(format!("sample_type_config: {e}")))?,
                ),
                None => None,
            };
            pprof_writes(params, &profile, up.prev_profile.as_deref(), config, limits)
        }
    }
}

/// Folded text; a count that is not a number fails the whole upload (422), as in the
/// original. Blank lines, CRLF endings and lines without a count are tolerated.
fn folded(body: &[u8]) -> Result<Tree, AppError> {
    let (tree, warnings) = Tree::from_folded_bytes(body);
    match warnings
        .iter()
        .find(|w| matches!(w.kind, WarningKind::BadCount(_)))
    {
        Some(w) => Err(AppError::BadBody(w.to_string())),
        None => Ok(tree),
    }
}

fn decode_pprof(
    body: &[u8],
    params: &IngestParams,
    limits: &Limits,
) -> Result<DecodedProfile, AppError> {
    let frame_names = if params.meta.spy_name == "rbspy" {
        FrameNames::FileLineFunction
    } else {
        FrameNames::Function
    };
    let options = DecodeOptions {
        max_decompressed: limits.max_decompressed,
        frame_names,
    };
    pprof::decode(body, &options).map_err(|e| decode_error(&e))
}

/// pprof bodies: one write per sample type and label set (every type is kept, see
/// `cinder_profile::pprof::resolve`). The profile's own period and units decide the sample
/// rate; the query's `sampleRate` is ignored (Node sends 17 or 66 for ~100 Hz profiles).
fn pprof_writes(
    params: &IngestParams,
    body: &[u8],
    prev: Option<&[u8]>,
    config: Option<SampleTypeConfigs>,
    limits: &Limits,
) -> Result<Vec<Write>, AppError> {
    let profile = decode_pprof(body, params, limits)?;
    let previous = prev
        .filter(|p| !p.is_empty())
        .map(|p| decode_pprof(p, params, limits))
        .transpose()?;
    let configs = profile
        .resolve_configs(config.as_ref())
        .map_err(|e| decode_error(&e))?;
    let configs: Vec<_> = configs.into_iter().map(Some).collect();
    let series = profile.series_with(&configs, previous.as_ref());
    Ok(series
        .into_iter()
        .map(|s| og_write(&params.key, &params.meta.spy_name, params, s))
        .collect())
}

/// Builds the write of one pprof series: `<app>.<suffix>{url labels + pprof labels}`.
pub(super) fn og_write(
    base: &SeriesKey,
    spy_name: &str,
    params: &IngestParams,
    s: OgSeries,
) -> Write {
    let mut key = SeriesKey::new(format!("{}.{}", base.app, s.suffix), base.labels.clone());
    key.add_missing_labels(
        s.labels
            .iter()
            .filter(|(k, _)| !EXEMPLAR_LABELS.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let meta = SeriesMeta {
        spy_name: spy_name.to_string(),
        sample_rate: s.sample_rate,
        units: s.units,
        aggregation: s.aggregation,
    };
    Write {
        key,
        meta,
        window: params.window,
        tree: s.tree,
    }
}
