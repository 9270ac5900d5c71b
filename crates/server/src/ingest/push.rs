//! Grafana's Connect push endpoint (`/push.v1.PusherService/Push`), used by current Python
//! and Rust agents (agents.md §2.1, §4.2). A request carries several series; each has
//! labels (`service_name` = the app, `__name__` = the profile type such as `process_cpu`
//! or `memory`) and pprof samples. They are stored like `/ingest` pprof uploads, as
//! `<service>.<type>` apps, every sample type kept (`cinder_profile::pprof::resolve`): CPU
//! and wall time keep their nanoseconds as ticks at a rate of 10⁹ per second, so their
//! seconds are exact whatever the profile's period (Python's stack sampler adapts it).

use std::collections::BTreeMap;

use cinder_profile::pprof::{
    self, Aggregation, DecodeOptions, DecodedProfile, SampleTypeConfig, SampleTypeConfigs,
};
use cinder_profile::selector::{SeriesKey, NAME_LABEL};

use super::body::decode_error;
use super::params::IngestParams;
use super::upload::og_write;
use super::{Limits, EXEMPLAR_LABELS};
use crate::base::time::UnixSecs;
use crate::base::Window;
use crate::error::AppError;
use crate::store::{SeriesMeta, Write};

/// Turns a decoded push request into writes (the route has inflated its `raw_profile`s).
/// `now` dates samples that carry no time.
pub fn writes_for(
    req: pprof::proto::PushRequest,
    limits: &Limits,
    now: UnixSecs,
) -> Result<Vec<Write>, AppError> {
    let mut writes = Vec::new();
    for series in req.series {
        let labels: BTreeMap<String, String> = series
            .labels
            .into_iter()
            .map(|l| (l.name, l.value))
            .collect();
        let profile_type = labels.get(NAME_LABEL).cloned().unwrap_or_default();
        let app = labels
            .get("service_name")
            .cloned()
            .unwrap_or_else(|| "unknown_service".into());
        let tags: BTreeMap<String, String> = labels
            .into_iter()
            .filter(|(k, _)| {
                k != NAME_LABEL && k != "service_name" && !EXEMPLAR_LABELS.contains(&k.as_str())
            })
            .collect();
        let base = SeriesKey::parse(&app)
            .map(|k| SeriesKey::new(k.app, tags.clone()))
            .map_err(|e| AppError::BadBody(format!("service_name: {e}")))?;
        for sample in series.samples {
            let options = DecodeOptions {
                max_decompressed: limits.max_decompressed,
                ..Default::default()
            };
            let profile =
                pprof::decode(&sample.raw_profile, &options).map_err(|e| decode_error(&e))?;
            writes.extend(profile_writes(&base, &profile_type, &profile, now)?);
        }
    }
    Ok(writes)
}

fn profile_writes(
    base: &SeriesKey,
    profile_type: &str,
    profile: &DecodedProfile,
    now: UnixSecs,
) -> Result<Vec<Write>, AppError> {
    let from = if profile.time_nanos > 0 {
        profile.time_nanos / 1_000_000_000
    } else {
        now
    };
    let until = from + (profile.duration_nanos / 1_000_000_000).max(0);
    let params = IngestParams {
        key: base.clone(),
        window: Window::snap(from, until),
        meta: SeriesMeta::default(),
        format: "pprof".into(),
    };
    let explicit = configs_for(profile_type);
    let configs = profile
        .resolve_configs(Some(&explicit))
        .map_err(|e| decode_error(&e))?
        .into_iter()
        // Push agents send deltas: nothing is cumulative.
        .map(|c| {
            Some(SampleTypeConfig {
                cumulative: false,
                ..c
            })
        })
        .collect::<Vec<_>>();
    Ok(profile
        .series_with(&configs, None)
        .into_iter()
        .map(|s| og_write(base, spy_name(profile_type), params.window, s))
        .collect())
}

fn spy_name(_profile_type: &str) -> &'static str {
    "pyroscope-push"
}

fn cfg(units: &str, name: &str, aggregation: Aggregation, sampled: bool) -> SampleTypeConfig {
    SampleTypeConfig {
        units: units.into(),
        display_name: name.into(),
        aggregation,
        cumulative: false,
        sampled,
    }
}

/// Sample-type names for pushed profiles, from the profile type (`__name__`); types not
/// named here get Cinder's default storage. Push agents send deltas, so nothing is
/// cumulative.
fn configs_for(profile_type: &str) -> SampleTypeConfigs {
    use Aggregation::{Average, Sum};
    let mut m = BTreeMap::new();
    match profile_type {
        "memory" => {
            m.insert(
                "alloc_objects".into(),
                cfg("objects", "alloc_objects", Sum, false),
            );
            m.insert(
                "alloc_space".into(),
                cfg("bytes", "alloc_space", Sum, false),
            );
            m.insert(
                "inuse_objects".into(),
                cfg("objects", "inuse_objects", Average, false),
            );
            m.insert(
                "inuse_space".into(),
                cfg("bytes", "inuse_space", Average, false),
            );
        }
        "mutex" | "block" => {
            m.insert(
                "contentions".into(),
                cfg("lock_samples", &format!("{profile_type}_count"), Sum, false),
            );
            m.insert(
                "delay".into(),
                cfg(
                    "lock_nanoseconds",
                    &format!("{profile_type}_duration"),
                    Sum,
                    false,
                ),
            );
        }
        "goroutine" | "goroutines" => {
            m.insert(
                "goroutine".into(),
                cfg("goroutines", "goroutines", Average, false),
            );
            m.insert(
                "goroutines".into(),
                cfg("goroutines", "goroutines", Average, false),
            );
        }
        _ => {}
    }
    SampleTypeConfigs(m)
}
