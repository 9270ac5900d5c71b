//! The scrape loops: one tokio task per endpoint (target × profile), each at its own
//! fixed phase of the interval (the original's jitter: a hash of the endpoint picks the
//! offset, so targets spread over the interval and keep their slot across restarts).
//! Each scrape is fetched within its timeout and the upload limits, turned into writes by
//! ingestion's typed entry point, and written through the write queue like an upload; its
//! outcome becomes the endpoint's health on `/targets` and is counted in the scrape
//! metrics (`cinder_scrapes_total`, `cinder_scrape_duration_seconds`, by job). A failing endpoint only marks
//! itself down.
//!
//! Per endpoint the loop keeps only the last body of a snapshot profile (heap, mutex,
//! block), so cumulative sample types are stored as the difference between consecutive
//! scrapes; the first scrape of a cumulative type only primes.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use crate::base::clock::unix_now;
use crate::base::Window;
use crate::ingest::{Payload, PprofPayload, Upload};
use crate::observe;
use crate::scrape::fetch::Client;
use crate::scrape::{endpoints, Endpoint, ScrapeConfig, ScrapeError, TargetState};
use crate::store::SeriesMeta;
use crate::AppState;

/// Starts one loop per endpoint of `configs` and registers each on the state's targets
/// list. Configs are validated at startup (`scrape::endpoints`); an invalid one here is
/// logged and scrapes nothing.
pub fn start(state: &AppState, configs: &[ScrapeConfig]) -> Vec<JoinHandle<()>> {
    let eps = match endpoints(configs) {
        Ok(eps) => eps,
        Err(e) => {
            tracing::error!(error = %e, "scraping is off");
            return Vec::new();
        }
    };
    if eps.is_empty() {
        return Vec::new();
    }
    let client = Client::new();
    tracing::info!(endpoints = eps.len(), "scraping");
    eps.into_iter()
        .map(|ep| {
            let target = state.scrape_targets().register(&ep);
            tokio::spawn(run(state.clone(), client.clone(), ep, target))
        })
        .collect()
}

/// Scrapes `ep` every interval, at its phase, until the task is aborted.
async fn run(state: AppState, client: Client, ep: Endpoint, target: Arc<TargetState>) {
    let first = tokio::time::Instant::now() + phase(&ep, SystemTime::now());
    let mut tick = tokio::time::interval_at(first, ep.interval);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut previous: Option<Bytes> = None;
    loop {
        tick.tick().await;
        let started = SystemTime::now();
        let clock = Instant::now();
        let outcome = scrape_once(&state, &client, &ep, &mut previous).await;
        let took = clock.elapsed();
        let was = target.health();
        target.report(started, took, outcome.as_ref().map(|_| ()));
        record(&ep.job, outcome.is_ok(), took);
        match &outcome {
            Err(e) if was != cinder_profile::api::TargetHealth::Down => {
                tracing::warn!(job = %ep.job, url = %ep.url, error = %e, "scrape failed");
            }
            Err(e) => tracing::debug!(job = %ep.job, url = %ep.url, error = %e, "scrape failed"),
            Ok(n) => tracing::debug!(job = %ep.job, url = %ep.url, writes = n, "scraped"),
        }
    }
}

/// Counts the scrape in `cinder_scrapes_total` and `cinder_scrape_duration_seconds`.
fn record(job: &str, ok: bool, took: Duration) {
    let result = if ok { "ok" } else { "error" };
    metrics::counter!(observe::SCRAPES, "job" => job.to_string(), "result" => result).increment(1);
    metrics::histogram!(observe::SCRAPE_DURATION, "job" => job.to_string())
        .record(took.as_secs_f64());
}

/// Time until the endpoint's next slot: its hash picks an offset within the interval,
/// pinned to absolute time (as the original's `Target.offset`).
fn phase(ep: &Endpoint, now: SystemTime) -> Duration {
    let interval = ep.interval.as_nanos().max(1);
    let now = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let mut h = DefaultHasher::new();
    (&ep.job, &ep.url, &ep.key).hash(&mut h);
    let offset = u128::from(h.finish()) % interval;
    let base = interval - now % interval;
    let mut next = base + offset;
    if next > interval {
        next -= interval;
    }
    Duration::from_nanos(u64::try_from(next).unwrap_or(u64::MAX))
}

/// One scrape: fetch, parse against the previous snapshot, write. Returns the number of
/// writes stored.
async fn scrape_once(
    state: &AppState,
    client: &Client,
    ep: &Endpoint,
    previous: &mut Option<Bytes>,
) -> Result<usize, ScrapeError> {
    let limits = state.limits();
    let from = unix_now();
    let mut lease = state.upload_budget().lease(limits.max_decompressed);
    let body = client
        .get(&ep.url, ep.timeout, limits.max_body, &mut lease)
        .await?;
    let until = unix_now();
    let spans = ep.profile.spans_time();
    let upload = Upload {
        key: ep.key.clone(),
        window: if spans {
            Window::snap(from, until)
        } else {
            Window::snap(until, until)
        },
        meta: SeriesMeta {
            spy_name: ep.spy_name.clone(),
            ..SeriesMeta::default()
        },
        payload: Payload::Pprof(PprofPayload {
            profile: body.clone(),
            previous: if spans { None } else { previous.clone() },
            sample_types: Some(ep.profile.sample_types.clone()),
        }),
    };
    let writes = upload.writes(&limits)?;
    drop(upload);
    drop(lease);
    if !spans {
        *previous = Some(body);
    }
    let writes = state.within_retention(writes);
    let n = writes.len();
    state
        .queue()
        .write(writes)
        .await
        .map_err(|e| ScrapeError::Store(e.to_string()))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_stay_within_the_interval_and_are_pinned_to_absolute_time() {
        let config = serde_json::from_value(serde_json::json!({
            "job-name": "j",
            "scrape-interval": "10s",
            "static-configs": [{"application": "a", "targets": ["h:1", "h:2", "h:3"]}]
        }))
        .unwrap();
        let eps = endpoints(&[config]).unwrap();
        let t0 = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut offsets = Vec::new();
        for ep in &eps {
            let p = phase(ep, t0);
            assert!(p <= ep.interval, "{p:?}");
            // Asked 3 s later, the same slot is 3 s closer (modulo the interval).
            let later = phase(ep, t0 + Duration::from_secs(3));
            let expected =
                (p + ep.interval - Duration::from_secs(3)).as_nanos() % ep.interval.as_nanos();
            assert_eq!(later.as_nanos() % ep.interval.as_nanos(), expected);
            offsets.push(p);
        }
        offsets.sort();
        offsets.dedup();
        assert!(
            offsets.len() > 1,
            "endpoints spread over the interval: {offsets:?}"
        );
    }
}
