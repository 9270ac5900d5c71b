//! From `scrape-configs` to the list of endpoints to scrape: one [`Endpoint`] per target
//! address × enabled profile, as the original lists them on `/targets`. Built-in profiles
//! (`cpu`, `mem`, `goroutines`, `mutex`, `block`) follow the original's defaults; a job's
//! `profiles` entry overrides a built-in field by field or adds a new profile. Every
//! mistake is a [`PlanError`] naming the job, found at startup rather than at the first
//! scrape.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use cinder_profile::pprof::{Aggregation, SampleTypeConfig, SampleTypeConfigs};
use cinder_profile::selector::SeriesKey;

use super::config::{ProfileConfig, SampleTypeConfig as SampleTypeEntry, Scheme, ScrapeConfig};

/// Spy name of scraped profiles when the static config names none.
pub const DEFAULT_SPY_NAME: &str = "scrape";

/// A profile to fetch from each target: where, and how its sample types are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Name in `enabled-profiles` (`cpu`, `mem`, …).
    pub name: String,
    /// Path on the target.
    pub path: String,
    /// Query parameters, `seconds` included for time-spanning profiles.
    pub params: BTreeMap<String, String>,
    /// Storage of the sample types named (others get Cinder's defaults).
    pub sample_types: SampleTypeConfigs,
}

impl Profile {
    /// A profile fetched with `seconds=N` covers those seconds and is a delta already;
    /// others are snapshots, whose cumulative types are stored as differences between
    /// consecutive scrapes.
    #[must_use]
    pub fn spans_time(&self) -> bool {
        self.params.contains_key("seconds")
    }
}

/// One URL to scrape on schedule, and where its data goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The job's name.
    pub job: String,
    /// `host:port` (a missing port is 80 or 443, as the original adds).
    pub address: String,
    /// The full URL.
    pub url: String,
    /// The profile fetched.
    pub profile: Profile,
    /// Series key of the data: the application name and the target's labels.
    pub key: SeriesKey,
    /// Spy name stored with the data.
    pub spy_name: String,
    /// Labels before processing, for `/targets`.
    pub discovered_labels: BTreeMap<String, String>,
    /// Time between scrapes.
    pub interval: Duration,
    /// Limit of one scrape.
    pub timeout: Duration,
}

/// A mistake in `scrape-configs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A job without `job-name`.
    #[error("scrape-configs: a job has no job-name")]
    NoJobName,
    /// Two jobs with one name.
    #[error("scrape-configs: job-name {0:?} is used twice")]
    DuplicateJob(String),
    /// Anything else, for the named job.
    #[error("scrape-configs: job {job:?}: {reason}")]
    Job {
        /// The job.
        job: String,
        /// What is wrong.
        reason: String,
    },
}

/// Every endpoint of `configs`, or the first mistake.
pub fn endpoints(configs: &[ScrapeConfig]) -> Result<Vec<Endpoint>, PlanError> {
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for job in configs {
        if job.job_name.trim().is_empty() {
            return Err(PlanError::NoJobName);
        }
        if !names.insert(job.job_name.as_str()) {
            return Err(PlanError::DuplicateJob(job.job_name.clone()));
        }
        out.extend(job_endpoints(job).map_err(|reason| PlanError::Job {
            job: job.job_name.clone(),
            reason,
        })?);
    }
    Ok(out)
}

fn job_endpoints(job: &ScrapeConfig) -> Result<Vec<Endpoint>, String> {
    let interval = job.scrape_interval.0;
    let timeout = job.scrape_timeout.0;
    if interval.as_secs() == 0 || timeout.is_zero() {
        return Err("scrape-interval must be at least 1s and scrape-timeout above 0".into());
    }
    let profiles = job
        .enabled_profiles
        .iter()
        .map(|name| profile(job, name))
        .collect::<Result<Vec<_>, _>>()?;
    let scheme = match job.scheme {
        Scheme::Http => "http",
        Scheme::Https => "https",
    };
    let mut out = Vec::new();
    for group in &job.static_configs {
        let app = app_name(&group.application)?;
        let labels = checked_labels(&group.labels)?;
        let spy_name = group
            .spy_name
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_SPY_NAME.into());
        for target in &group.targets {
            let address = with_port(target.trim(), job.scheme)?;
            let mut stored = labels.clone();
            stored
                .entry("job".into())
                .or_insert_with(|| job.job_name.clone());
            stored
                .entry("instance".into())
                .or_insert_with(|| address.clone());
            for p in &profiles {
                let mut discovered = labels.clone();
                discovered.insert("job".into(), job.job_name.clone());
                discovered.insert("__address__".into(), address.clone());
                discovered.insert("__scheme__".into(), scheme.into());
                discovered.insert("__name__".into(), app.clone());
                discovered.insert("__spy_name__".into(), spy_name.clone());
                discovered.insert("__profile_path__".into(), p.path.clone());
                out.push(Endpoint {
                    job: job.job_name.clone(),
                    url: url(scheme, &address, p),
                    address: address.clone(),
                    profile: p.clone(),
                    key: SeriesKey::new(app.clone(), stored.clone()),
                    spy_name: spy_name.clone(),
                    discovered_labels: discovered,
                    interval,
                    timeout,
                });
            }
        }
    }
    Ok(out)
}

/// The built-in profile `name` with the job's overrides, or the job's own profile.
fn profile(job: &ScrapeConfig, name: &str) -> Result<Profile, String> {
    let builtin = builtin(name, job.scrape_interval.0, job.scrape_timeout.0);
    let custom = job.profiles.get(name);
    let (path, mut params, mut sample_types) = match (&builtin, custom) {
        (None, None) => {
            return Err(format!(
                "enabled profile {name:?} is neither built in (cpu, mem, goroutines, mutex, \
                 block) nor defined under profiles"
            ))
        }
        (Some(b), _) => (b.path.clone(), b.params.clone(), b.sample_types.0.clone()),
        (None, Some(_)) => (String::new(), BTreeMap::new(), BTreeMap::new()),
    };
    if let Some(c) = custom {
        override_with(c, &mut params, &mut sample_types)?;
    }
    let path = custom
        .and_then(|c| c.path.clone())
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    if !path.starts_with('/') {
        return Err(format!("profile {name:?} needs a path starting with /"));
    }
    Ok(Profile {
        name: name.to_string(),
        path,
        params,
        sample_types: SampleTypeConfigs(sample_types),
    })
}

fn override_with(
    custom: &ProfileConfig,
    params: &mut BTreeMap<String, String>,
    sample_types: &mut BTreeMap<String, SampleTypeConfig>,
) -> Result<(), String> {
    params.extend(custom.params.clone());
    if !custom.sample_types.is_empty() {
        sample_types.clear();
        for (name, entry) in &custom.sample_types {
            sample_types.insert(name.clone(), sample_type(name, entry)?);
        }
    }
    Ok(())
}

fn sample_type(name: &str, e: &SampleTypeEntry) -> Result<SampleTypeConfig, String> {
    let aggregation = match e.aggregation.as_deref() {
        None | Some("" | "sum") => Aggregation::Sum,
        Some("avg" | "average") => Aggregation::Average,
        Some(other) => {
            return Err(format!(
                "sample type {name:?}: aggregation {other:?} is not sum or average"
            ))
        }
    };
    Ok(SampleTypeConfig {
        units: e.units.clone().unwrap_or_default(),
        display_name: e.display_name.clone().unwrap_or_default(),
        aggregation,
        cumulative: e.cumulative,
        sampled: e.sampled,
    })
}

fn entry(units: &str, name: &str, avg: bool, cumulative: bool, sampled: bool) -> SampleTypeConfig {
    SampleTypeConfig {
        units: units.into(),
        display_name: name.into(),
        aggregation: if avg {
            Aggregation::Average
        } else {
            Aggregation::Sum
        },
        cumulative,
        sampled,
    }
}

/// The original's default profiles, paths and sample-type names. The CPU profile spans
/// the scrape interval (`seconds=N`), shortened to end before the timeout.
fn builtin(name: &str, interval: Duration, timeout: Duration) -> Option<Profile> {
    let (path, types): (&str, Vec<(&str, SampleTypeConfig)>) = match name {
        // Named as uploads are (`cinder_profile::pprof::resolve`): Go's `cpu` nanoseconds
        // become `.cpu` (exact), its `samples` count `.samples`; the original stored the
        // count as `.cpu`, which `profiles: {cpu: {sample-types: …}}` can still ask for.
        "cpu" => ("/debug/pprof/profile", Vec::new()),
        "mem" => (
            "/debug/pprof/heap",
            vec![
                ("inuse_objects", entry("objects", "", true, false, false)),
                ("alloc_objects", entry("objects", "", false, true, false)),
                ("inuse_space", entry("bytes", "", true, false, false)),
                ("alloc_space", entry("bytes", "", false, true, false)),
            ],
        ),
        "goroutines" => (
            "/debug/pprof/goroutine",
            vec![(
                "goroutine",
                entry("goroutines", "goroutines", true, false, false),
            )],
        ),
        "mutex" | "block" => (
            if name == "mutex" {
                "/debug/pprof/mutex"
            } else {
                "/debug/pprof/block"
            },
            vec![
                (
                    "contentions",
                    entry("lock_samples", &format!("{name}_count"), false, true, false),
                ),
                (
                    "delay",
                    entry(
                        "lock_nanoseconds",
                        &format!("{name}_duration"),
                        false,
                        true,
                        false,
                    ),
                ),
            ],
        ),
        _ => return None,
    };
    let mut params = BTreeMap::new();
    if name == "cpu" {
        params.insert("seconds".into(), cpu_seconds(interval, timeout).to_string());
    }
    Some(Profile {
        name: name.into(),
        path: path.into(),
        params,
        sample_types: SampleTypeConfigs(
            types.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        ),
    })
}

/// The interval in whole seconds, but at least one second less than the timeout allows,
/// and at least 1.
fn cpu_seconds(interval: Duration, timeout: Duration) -> u64 {
    let room = timeout.as_secs().saturating_sub(1);
    interval.as_secs().min(room).max(1)
}

fn app_name(application: &str) -> Result<String, String> {
    let app = application.trim();
    match SeriesKey::parse(app) {
        Ok(k) if k.app == app && k.labels.is_empty() => Ok(app.to_string()),
        Ok(_) => Err(format!(
            "application {app:?} is not a valid application name"
        )),
        Err(e) => Err(format!("application {app:?}: {e}")),
    }
}

fn checked_labels(labels: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, String> {
    for (k, v) in labels {
        let valid_key = SeriesKey::parse(&format!("a{{{k}=v}}"))
            .is_ok_and(|key| key.labels.contains_key(k.as_str()));
        if !valid_key || k.starts_with("__") {
            return Err(format!("label name {k:?} is not valid"));
        }
        if v.contains([',', '{', '}']) {
            return Err(format!("label {k:?}: value {v:?} may not hold , {{ or }}"));
        }
    }
    Ok(labels.clone())
}

/// `host:port`, with the scheme's default port when none is given.
fn with_port(target: &str, scheme: Scheme) -> Result<String, String> {
    if target.is_empty() || target.contains(['/', '?', '#', '@', ' ']) {
        return Err(format!(
            "target {target:?} must be host:port (no scheme or path)"
        ));
    }
    let has_port = target
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.ends_with(':') && port.parse::<u16>().is_ok());
    if has_port {
        return Ok(target.to_string());
    }
    let port = match scheme {
        Scheme::Http => 80,
        Scheme::Https => 443,
    };
    Ok(format!("{target}:{port}"))
}

fn url(scheme: &str, address: &str, p: &Profile) -> String {
    let mut url = format!("{scheme}://{address}{}", p.path);
    if let Ok(query) = serde_urlencoded::to_string(&p.params) {
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
    }
    url
}

#[cfg(test)]
mod tests;
