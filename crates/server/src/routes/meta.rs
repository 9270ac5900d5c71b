//! Diagnostics about the server itself: liveness, build information and the pull-mode
//! targets. They answer any method, as the original does; `/healthz` needs no
//! authentication, the others the read access of the data routes.

use axum::extract::State;
use axum::Json;
use cinder_profile::api::{BuildInfo, ScrapeTarget};

use crate::AppState;

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
