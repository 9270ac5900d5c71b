//! The health of every scraped endpoint, shared between the scrape loops (which report)
//! and `GET /targets` (which lists). Each endpoint's state is a few strings and times,
//! behind its own lock, so a slow or failing target affects no other.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cinder_profile::api::{ScrapeTarget, TargetHealth};

use super::{Endpoint, ScrapeError};
use crate::base::clock::rfc3339;

/// What Go prints for a `time.Time` that was never set.
pub const NEVER: &str = "0001-01-01T00:00:00Z";

/// Every registered endpoint, in registration order. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    list: Arc<RwLock<Vec<Arc<TargetState>>>>,
}

impl Targets {
    /// Adds `endpoint` (health unknown) and returns the handle its loop reports to.
    pub fn register(&self, endpoint: &Endpoint) -> Arc<TargetState> {
        let state = Arc::new(TargetState {
            fixed: ScrapeTarget {
                job: endpoint.job.clone(),
                url: endpoint.url.clone(),
                discovered_labels: endpoint.discovered_labels.clone(),
                labels: endpoint.key.labels.clone(),
                ..ScrapeTarget::default()
            },
            last: Mutex::new(Last::default()),
        });
        self.list
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::clone(&state));
        state
    }

    /// Every endpoint as `GET /targets` shows it.
    #[must_use]
    pub fn list(&self) -> Vec<ScrapeTarget> {
        self.list
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|t| t.snapshot())
            .collect()
    }
}

/// One endpoint: what never changes, and the outcome of its last scrape.
#[derive(Debug)]
pub struct TargetState {
    fixed: ScrapeTarget,
    last: Mutex<Last>,
}

#[derive(Debug, Default)]
struct Last {
    health: TargetHealth,
    started: Option<SystemTime>,
    took: Duration,
    error: String,
}

impl TargetState {
    /// Records a scrape that started at `started` and took `took`.
    pub fn report(&self, started: SystemTime, took: Duration, outcome: Result<(), &ScrapeError>) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        *last = Last {
            health: if outcome.is_ok() {
                TargetHealth::Up
            } else {
                TargetHealth::Down
            },
            started: Some(started),
            took,
            error: outcome.err().map(ToString::to_string).unwrap_or_default(),
        };
    }

    /// The current health.
    #[must_use]
    pub fn health(&self) -> TargetHealth {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .health
    }

    /// The endpoint with its last outcome.
    #[must_use]
    pub fn snapshot(&self) -> ScrapeTarget {
        let last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let last_scrape = last.started.map_or_else(
            || NEVER.to_string(),
            |t| {
                let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                rfc3339(i64::try_from(secs).unwrap_or(i64::MAX))
            },
        );
        ScrapeTarget {
            health: last.health,
            last_scrape,
            last_error: last.error.clone(),
            last_scrape_duration: go_duration(last.took),
            ..self.fixed.clone()
        }
    }
}

/// A duration as Go's `time.Duration.String` prints it, rounded to milliseconds
/// (microseconds below one): `0s`, `850µs`, `15ms`, `1.204s`, `2m30s`, `1h0m5s`.
#[must_use]
pub fn go_duration(d: Duration) -> String {
    if d.is_zero() {
        return "0s".into();
    }
    if d < Duration::from_millis(1) {
        return format!("{}µs", d.as_micros());
    }
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let secs = if rest % 1000 == 0 {
        format!("{}s", rest / 1000)
    } else {
        let s = format!("{}.{:03}", rest / 1000, rest % 1000);
        format!("{}s", s.trim_end_matches('0'))
    };
    match (h, m) {
        (0, 0) => secs,
        (0, m) => format!("{m}m{secs}"),
        (h, m) => format!("{h}h{m}m{secs}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scrape::plan::endpoints;

    #[test]
    fn go_durations() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_micros(850), "850µs"),
            (Duration::from_millis(15), "15ms"),
            (Duration::from_millis(1204), "1.204s"),
            (Duration::from_millis(1200), "1.2s"),
            (Duration::from_secs(2), "2s"),
            (Duration::from_secs(150), "2m30s"),
            (Duration::from_secs(3605), "1h0m5s"),
        ];
        for (d, text) in cases {
            assert_eq!(go_duration(d), text, "{d:?}");
        }
    }

    #[test]
    fn health_goes_from_unknown_to_up_or_down_with_the_reason() {
        let config = serde_json::from_value(serde_json::json!({
            "job-name": "j",
            "enabled-profiles": ["mem"],
            "static-configs": [{"application": "a", "targets": ["h:1", "h:2"]}]
        }))
        .unwrap();
        let targets = Targets::default();
        let eps = endpoints(&[config]).unwrap();
        let (one, two) = (targets.register(&eps[0]), targets.register(&eps[1]));
        let before = targets.list();
        assert_eq!(before.len(), 2);
        assert_eq!(before[0].health, TargetHealth::Unknown);
        assert_eq!(before[0].last_scrape, NEVER);
        assert_eq!(before[0].labels["instance"], "h:1");
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        one.report(at, Duration::from_millis(20), Ok(()));
        let refused = ScrapeError::Connect("connection refused".into());
        two.report(at, Duration::from_millis(3), Err(&refused));
        let after = targets.list();
        assert_eq!(after[0].health, TargetHealth::Up);
        assert_eq!(after[0].last_scrape, "2023-11-14T22:13:20Z");
        assert_eq!(after[0].last_scrape_duration, "20ms");
        assert_eq!(after[0].last_error, "");
        assert_eq!(after[1].health, TargetHealth::Down);
        assert_eq!(after[1].last_error, "connection refused");
        two.report(at, Duration::from_millis(3), Ok(()));
        assert_eq!(two.health(), TargetHealth::Up);
        assert_eq!(
            targets.list()[1].last_error,
            "",
            "a good scrape clears the error"
        );
    }
}
