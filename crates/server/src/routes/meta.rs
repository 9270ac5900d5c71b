//! Diagnostics about the server itself: liveness, build information, Prometheus metrics
//! and the pull-mode targets. All answer any method, as the original does; `/healthz`
//! and `/metrics` need no authentication, `/targets` the read access of data routes.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use cinder_profile::api::{BuildInfo, ScrapeTarget};

use crate::error::AppError;
use crate::{observe, AppState};

/// `/healthz`: 200 with the original's body once the server accepts requests.
pub(super) async fn healthz() -> &'static str {
    "server is ready"
}

/// `/build`: version, commit and build time of this binary.
pub(super) async fn build() -> Json<BuildInfo> {
    Json(crate::build_info::current())
}

/// `/targets`: every scraped endpoint with its health after the last scrape (spec §2.14).
pub(super) async fn targets(State(state): State<AppState>) -> Json<Vec<ScrapeTarget>> {
    Json(state.scrape_targets().list())
}

/// `/metrics`: the Prometheus text exposition of the server's metrics and its store's size
/// and series count (read now, off the async workers).
pub(super) async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let store = state.store();
    let body = super::blocking(move || Ok(observe::render(&store)?)).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    ))
}
