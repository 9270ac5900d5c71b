//! Observability: the Prometheus metrics of `GET /metrics` and the per-request log line.
//!
//! Metrics are recorded through the `metrics` facade (`metrics::counter!`, `histogram!`)
//! into one process-wide Prometheus recorder, installed once by [`install`] (the facade
//! has one global recorder, so every [`crate::AppState`] of a process shares it). The
//! recorder is built without its own HTTP listener: `GET /metrics` renders it through
//! [`render`], followed by the gauges of the serving state's store, read at scrape time
//! (size on disk, series count). Which requests count as what is declared in the route
//! table ([`http::Observed`]) and recorded in one middleware ([`http::track`]); every
//! request gets one debug log line ([`http::log_request`]).
//!
//! Names are `cinder_*` with the unit in the name; the README's Observability section lists
//! them. Labels never carry user data (app names, keys): only bounded sets (format,
//! result, endpoint, scrape job).

pub mod http;

use std::fmt::Write as _;
use std::sync::OnceLock;
use std::time::Duration;

use metrics::{describe_counter, describe_histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::store::{Store, StoreError};

/// Counter of uploads, by `format` and `result`.
pub const UPLOADS: &str = "cinder_ingest_uploads_total";
/// Counter of upload body bytes received (as sent, before decompression), by `format` and
/// `result`.
pub const INGEST_BYTES: &str = "cinder_ingest_bytes_total";
/// Histogram of upload handling time, body reading included, by `format`.
pub const INGEST_DURATION: &str = "cinder_ingest_duration_seconds";
/// Counter of read requests, by `endpoint` and `result`.
pub const QUERIES: &str = "cinder_queries_total";
/// Histogram of read request handling time, by `endpoint`.
pub const QUERY_DURATION: &str = "cinder_query_duration_seconds";
/// Counter of refused `POST /login` attempts, by `reason`.
pub const LOGIN_FAILURES: &str = "cinder_login_failures_total";
/// Counter of pull-mode scrapes, by `job` and `result` (`ok`, `error`); recorded by the
/// scraper.
pub const SCRAPES: &str = "cinder_scrapes_total";
/// Histogram of pull-mode scrape durations, by `job`; recorded by the scraper.
pub const SCRAPE_DURATION: &str = "cinder_scrape_duration_seconds";
/// Gauge: bytes the store occupies on disk (read at scrape time).
pub const STORE_SIZE: &str = "cinder_store_size_bytes";
/// Gauge: series in the store (read at scrape time).
pub const STORE_SERIES: &str = "cinder_store_series";

/// Upper bounds (seconds) of the latency histograms' buckets: 1 ms to 1 min (a scrape of
/// a CPU profile lasts its whole `seconds=`).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// How often histogram samples are folded into their buckets when nobody scrapes (the
/// recorder keeps raw samples until then).
pub const UPKEEP_PERIOD: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the Prometheus recorder as the process's global `metrics` recorder (once;
/// later calls return the same handle) and describes every metric. `None` if another
/// recorder was installed first (an embedding program's): then `/metrics` shows only the
/// store gauges.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    describe_counter!(
        UPLOADS,
        Unit::Count,
        "Uploads to /ingest and the push endpoint, by body format and result."
    );
    describe_counter!(
        INGEST_BYTES,
        Unit::Bytes,
        "Upload body bytes received (as sent, before decompression), by format and result."
    );
    describe_histogram!(
        INGEST_DURATION,
        Unit::Seconds,
        "Time to receive, parse and durably store an upload, by format."
    );
    describe_counter!(
        QUERIES,
        Unit::Count,
        "Read requests, by endpoint and result."
    );
    describe_histogram!(
        QUERY_DURATION,
        Unit::Seconds,
        "Time to answer a read request, by endpoint."
    );
    describe_counter!(
        LOGIN_FAILURES,
        Unit::Count,
        "Refused sign-ins (POST /login), by reason."
    );
    describe_counter!(
        SCRAPES,
        Unit::Count,
        "Pull-mode scrapes, by job and result."
    );
    describe_histogram!(
        SCRAPE_DURATION,
        Unit::Seconds,
        "Duration of pull-mode scrapes, by job."
    );
}

/// The body of `GET /metrics`: every recorded metric in the Prometheus text format, then
/// the gauges of `store`, read now.
pub fn render(store: &Store) -> Result<String, StoreError> {
    let mut out = install().map(PrometheusHandle::render).unwrap_or_default();
    let size = store.disk_space()?;
    let series = store.series_count()?;
    gauge(
        &mut out,
        STORE_SIZE,
        "Bytes the store occupies on disk, journal included.",
        size,
    );
    gauge(&mut out, STORE_SERIES, "Series in the store.", series);
    Ok(out)
}

/// Appends one unlabelled gauge in the text exposition format.
fn gauge(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
    );
}

/// Folds histogram samples into their buckets every [`UPKEEP_PERIOD`], so memory stays
/// bounded between scrapes; runs until the task is dropped.
pub async fn upkeep() {
    let Some(handle) = install() else { return };
    let mut tick = tokio::time::interval(UPKEEP_PERIOD);
    loop {
        tick.tick().await;
        handle.run_upkeep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauges_are_written_in_the_text_format() {
        let mut out = String::from("# TYPE a counter\na 1\n");
        gauge(&mut out, "cinder_x_bytes", "Some bytes.", 42);
        assert_eq!(
            out,
            "# TYPE a counter\na 1\n\n# HELP cinder_x_bytes Some bytes.\n\
             # TYPE cinder_x_bytes gauge\ncinder_x_bytes 42\n"
        );
    }
}
