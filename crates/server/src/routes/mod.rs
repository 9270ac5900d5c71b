//! The route table. Paths follow the original Pyroscope server (spec §2) plus Grafana's
//! push endpoint; each group lives in its own module.

mod apps;
pub mod assets;
mod ingest;
mod labels;
mod meta;
mod render;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use axum::Router;

use crate::ingest::Limits;
use crate::AppState;

/// All routes; anything unmatched goes to the web app (`assets::spa`).
pub fn router(limits: Limits) -> Router<AppState> {
    let body_limit = DefaultBodyLimit::max(limits.max_body);
    Router::new()
        .route("/ingest", post(ingest::ingest).layer(body_limit))
        .route("/pyroscope/ingest", post(ingest::ingest).layer(body_limit))
        .route(
            "/push.v1.PusherService/Push",
            post(ingest::push).layer(body_limit),
        )
        .route("/render", any(render::render))
        .route("/pyroscope/render", any(render::render))
        .route("/render-diff", any(render::render_diff))
        .route("/pyroscope/render-diff", any(render::render_diff))
        .route("/labels", any(labels::labels))
        .route("/label-values", any(labels::label_values))
        .route("/pyroscope/label-values", any(labels::label_values))
        .route("/api/apps", get(apps::apps_list).delete(apps::apps_delete))
        .route("/healthz", any(meta::healthz))
        .route("/build", any(meta::build))
        .fallback(assets::spa)
}
