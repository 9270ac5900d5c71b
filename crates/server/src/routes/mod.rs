//! The route table. Paths follow the original Pyroscope server (see
//! `spec/pyroscope-api.md` §2); each group lives in its own module.

pub mod assets;
mod meta;

use axum::routing::any;
use axum::Router;

use crate::AppState;

/// All routes; anything unmatched goes to the web app (`assets::spa`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", any(meta::healthz))
        .route("/build", any(meta::build))
        .fallback(assets::spa)
}
