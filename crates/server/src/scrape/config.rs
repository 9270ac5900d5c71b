//! The `scrape-configs` section of the config file, with the original's key names
//! (`job-name`, `scrape-interval`, `enabled-profiles`, `static-configs`, …). Unknown keys
//! are errors, so a typo is reported at startup instead of silently scraping nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::base::HumanDuration;

/// One scrape job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ScrapeConfig {
    /// Name of the job, shown on the targets page and in metrics.
    pub job_name: String,
    /// How often each target is scraped (default 10 s).
    #[serde(default = "default_interval")]
    pub scrape_interval: HumanDuration,
    /// How long one scrape may take (default 15 s).
    #[serde(default = "default_timeout")]
    pub scrape_timeout: HumanDuration,
    /// `http` (default) or `https`.
    #[serde(default)]
    pub scheme: Scheme,
    /// The built-in profiles to scrape: `cpu`, `mem`, `goroutines`, `mutex`, `block`
    /// (default `[cpu, mem]`).
    #[serde(default = "default_enabled")]
    pub enabled_profiles: Vec<String>,
    /// Custom or overridden profiles, by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileConfig>,
    /// The targets.
    #[serde(default)]
    pub static_configs: Vec<StaticConfig>,
}

/// URL scheme of a job's targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Plain HTTP.
    #[default]
    Http,
    /// HTTPS.
    Https,
}

/// A profile endpoint and how to read its samples.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProfileConfig {
    /// Path on the target, e.g. `/debug/pprof/profile`.
    #[serde(default)]
    pub path: Option<String>,
    /// Extra query parameters.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// The sample types to store, by pprof sample type name.
    #[serde(default)]
    pub sample_types: BTreeMap<String, SampleTypeConfig>,
}

/// How one pprof sample type is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SampleTypeConfig {
    /// Units shown (`samples`, `objects`, `bytes`, `nanoseconds`).
    #[serde(default)]
    pub units: Option<String>,
    /// Name used in the series key instead of the sample type's.
    #[serde(default)]
    pub display_name: Option<String>,
    /// `sum` or `average`.
    #[serde(default)]
    pub aggregation: Option<String>,
    /// The profile holds totals since the process started; store differences.
    #[serde(default)]
    pub cumulative: bool,
    /// Values are sampled (scaled by the rate).
    #[serde(default)]
    pub sampled: bool,
}

/// A group of targets sharing an application name and labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StaticConfig {
    /// Application name the profiles are stored under.
    #[serde(default)]
    pub application: String,
    /// Spy name reported with the profiles (default `scrape`).
    #[serde(default)]
    pub spy_name: Option<String>,
    /// `host:port` of each target.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Labels added to every series of these targets.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

fn default_interval() -> HumanDuration {
    HumanDuration(std::time::Duration::from_secs(10))
}

fn default_timeout() -> HumanDuration {
    HumanDuration(std::time::Duration::from_secs(15))
}

fn default_enabled() -> Vec<String> {
    vec!["cpu".into(), "mem".into()]
}
