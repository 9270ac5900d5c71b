//! `GET /targets` entries (spec §2.14): one per scraped endpoint of a pull-mode target,
//! in the original's shape, with its health after the last scrape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Health of a target after its last scrape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TargetHealth {
    /// The last scrape was stored.
    Up,
    /// The last scrape failed; `lastError` says why.
    Down,
    /// Not scraped yet.
    #[default]
    Unknown,
}

impl TargetHealth {
    /// `up`, `down` or `unknown`, as on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TargetHealth::Up => "up",
            TargetHealth::Down => "down",
            TargetHealth::Unknown => "unknown",
        }
    }
}

/// One scraped endpoint as `GET /targets` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ScrapeTarget {
    /// The scrape job's `job-name`.
    pub job: String,
    /// The URL scraped, query included (`http://host:port/debug/pprof/heap`).
    pub url: String,
    /// Labels before processing: `__address__`, `__scheme__`, `__name__` (the
    /// application), `__spy_name__`, `__profile_path__`, the job and the configured labels.
    #[serde(default)]
    pub discovered_labels: BTreeMap<String, String>,
    /// Labels stored with every series of the target: the configured ones, `job` and
    /// `instance` (`host:port`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Health after the last scrape.
    #[serde(default)]
    pub health: TargetHealth,
    /// When the last scrape started, RFC 3339 (`0001-01-01T00:00:00Z` before the first).
    #[serde(default)]
    pub last_scrape: String,
    /// Why the last scrape failed; empty when it did not.
    #[serde(default)]
    pub last_error: String,
    /// How long the last scrape took, as Go prints durations (`1.204s`, `15ms`, `0s`).
    #[serde(default)]
    pub last_scrape_duration: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_field_names_and_health_strings() {
        let t = ScrapeTarget {
            job: "node".into(),
            url: "http://127.0.0.1:1/debug/pprof/heap".into(),
            health: TargetHealth::Down,
            last_error: "connection refused".into(),
            ..ScrapeTarget::default()
        };
        let json = serde_json::to_value(&t).unwrap();
        for key in [
            "job",
            "url",
            "discoveredLabels",
            "labels",
            "health",
            "lastScrape",
            "lastError",
            "lastScrapeDuration",
        ] {
            assert!(json.get(key).is_some(), "{key} missing in {json}");
        }
        assert_eq!(json["health"], "down");
        let back: ScrapeTarget = serde_json::from_value(json).unwrap();
        assert_eq!(back, t);
        assert_eq!(TargetHealth::Unknown.as_str(), "unknown");
    }
}
