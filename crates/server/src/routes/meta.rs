//! Diagnostics about the server itself: liveness, build information and the effective
//! configuration. `/healthz` and `/build` answer any method, as the original does.

use axum::extract::State;
use axum::Json;
use cinder_profile::api::BuildInfo;

use crate::AppState;

/// `/healthz`: 200 with the original's body once the server accepts requests.
pub(super) async fn healthz() -> &'static str {
    "server is ready"
}

/// `/build`: version, commit and build time of this binary.
pub(super) async fn build() -> Json<BuildInfo> {
    Json(crate::build_info::current())
}

/// `GET /config`: the effective configuration with the config file's key names, secrets
/// redacted (the original shows its Go struct with auth fields hidden; spec §2.14).
pub(super) async fn config(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(state.config_view())
}
