//! Diagnostics about the server itself: liveness and build information. Both answer any
//! method, as the original does, and need no authentication.

use axum::Json;
use cinder_profile::api::BuildInfo;

/// `/healthz`: 200 with the original's body once the server accepts requests.
pub(super) async fn healthz() -> &'static str {
    "server is ready"
}

/// `/build`: version, commit and build time of this binary.
pub(super) async fn build() -> Json<BuildInfo> {
    Json(crate::build_info::current())
}
