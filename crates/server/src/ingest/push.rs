//! Grafana's Connect push endpoint (`/push.v1.PusherService/Push`), used by current Python
//! and Rust agents (agents.md §2.1, §4.2). A request carries several series; each has
//! labels (`service_name` = the app, `__name__` = the profile type such as `process_cpu`
//! or `memory`) and pprof samples. They are stored like `/ingest` pprof uploads, as
//! `<service>.<type>` apps: CPU and wall time in nanoseconds become samples at the
//! profile's own period, so the UI shows them like any sampled profile.

use std::collections::BTreeMap;

use cinder_profile::pprof::{
    self, Aggregation, DecodeOptions, DecodedProfile, SampleTypeConfig, SampleTypeConfigs,
};
use cinder_profile::selector::{SeriesKey, NAME_LABEL};

use super::body::decode_error;
use super::formats::og_write;
use super::params::IngestParams;
use super::{Limits, EXEMPLAR_LABELS};
use crate::error::AppError;
use crate::query::time::UnixSecs;
use crate::query::timeline::Window;
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
            writes.extend(profile_writes(&base, &profile_type, &profile, now));
        }
    }
    Ok(writes)
}

fn profile_writes(
    base: &SeriesKey,
    profile_type: &str,
    profile: &DecodedProfile,
    now: UnixSecs,
) -> Vec<Write> {
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
    let configs = configs_for(profile_type, profile);
    let period_ns = period_nanos(profile);
    let mut out = Vec::new();
    for mut s in profile.og_series(&configs, None) {
        let unit = profile
            .sample_types
            .get(s.sample_type)
            .map_or("", |t| t.unit.as_str());
        if unit == "nanoseconds" && s.units == "samples" && period_ns > 0 {
            s.tree.divide(period_ns);
        }
        out.push(og_write(base, spy_name(profile_type), &params, s));
    }
    out
}

/// The pprof period in nanoseconds (0 when unknown).
fn period_nanos(profile: &DecodedProfile) -> u64 {
    let rate = profile.sample_rate();
    if rate == 0 {
        0
    } else {
        1_000_000_000 / u64::from(rate)
    }
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

/// Sample-type mapping for pushed profiles. Push agents send deltas, so nothing is
/// cumulative. When a profile has both `cpu` (nanoseconds) and `samples`, only `cpu` is
/// kept, since both would land in the same `.cpu` series.
fn configs_for(profile_type: &str, profile: &DecodedProfile) -> SampleTypeConfigs {
    use Aggregation::{Average, Sum};
    let has = |name: &str| profile.sample_type_index(name).is_some();
    let mut m = BTreeMap::new();
    match profile_type {
        "process_cpu" => {
            m.insert("cpu".into(), cfg("samples", "cpu", Sum, true));
            if !has("cpu") {
                m.insert("samples".into(), cfg("samples", "cpu", Sum, true));
            }
        }
        "wall" => {
            m.insert("wall".into(), cfg("samples", "wall", Sum, true));
        }
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
        _ => {
            for t in &profile.sample_types {
                let units = if t.unit == "count" {
                    "samples"
                } else {
                    t.unit.as_str()
                };
                m.insert(t.name.clone(), cfg(units, &t.name, Sum, false));
            }
        }
    }
    SampleTypeConfigs(m)
}
