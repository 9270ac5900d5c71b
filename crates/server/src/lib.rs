//! The Cinder server as a library: [`app`] builds the whole HTTP surface from an
//! [`AppState`], so tests drive it request-in/response-out without a socket, and `main.rs`
//! only parses flags, binds and serves.
//!
//! Modules:
//! - [`config`]: flags and env vars → validated [`config::Config`].
//! - [`routes`]: HTTP handlers, grouped by resource; `routes::assets` serves the web app.
//! - [`query`]: time expressions, the timeline grid, compiled selectors.
//! - [`store`]: the embedded store (fjall); the only module that knows the engine.
//! - [`build_info`]: what `GET /build` reports.

pub mod build_info;
pub mod config;
pub mod query;
pub mod routes;
pub mod store;

use std::sync::Arc;

use axum::Router;

pub use routes::assets::Assets;

/// Everything handlers share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    assets: Assets,
}

impl AppState {
    /// State serving the web app from `assets`.
    #[must_use]
    pub fn new(assets: Assets) -> Self {
        Self {
            inner: Arc::new(Inner { assets }),
        }
    }

    /// Where the web app's files come from.
    #[must_use]
    pub fn assets(&self) -> &Assets {
        &self.inner.assets
    }
}

/// The complete HTTP application.
pub fn app(state: AppState) -> Router {
    routes::router()
        .with_state(state)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}
