//! The Cinder server as a library: [`app`] builds the whole HTTP surface from an
//! [`AppState`], so tests drive it request-in/response-out without a socket, and `main.rs`
//! only parses flags, opens the store, binds and serves.
//!
//! Modules:
//! - [`config`]: flags, env vars and the config file → validated [`config::Config`].
//! - [`auth`]: users, sessions, API keys, roles; the guards of the route table.
//! - [`routes`]: HTTP handlers, grouped by resource; `routes::assets` serves the web app.
//! - [`scrape`]: pull mode: `scrape-configs`, the endpoints they give, fetching, health.
//! - [`ingest`]: upload parsing (query, encodings, body formats, push) and the writer.
//! - [`query`]: time expressions, the timeline grid, compiled selectors, render reads.
//! - [`store`]: the embedded store (fjall); the only module that knows the engine.
//! - [`jobs`]: background work (self-profiling as `cinder.server.cpu`, retention, the
//!   scrape loops).
//! - [`observe`]: Prometheus metrics (`/metrics`) and the per-request log line.
//! - [`error`]: the one error type and how it is rendered.
//! - [`build_info`]: what `GET /build` reports.
//! - [`base`]: the ground floor: unix seconds, time expressions, the clock, `Window`, `Role`.
#![warn(unreachable_pub)]

pub mod admin;
pub mod auth;
pub mod base;
pub mod build_info;
pub mod config;
pub mod error;
pub mod healthcheck;
pub mod ingest;
pub mod jobs;
pub mod observe;
pub mod query;
pub mod routes;
pub mod scrape;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use cinder_profile::MaxNodes;

pub use routes::assets::Assets;

use auth::{Auth, AuthConfig, StartError};
use ingest::budget::MemoryBudget;
use ingest::{Limits, WriteQueue};
use scrape::Targets;
use store::{Store, Write};

/// Tunables of the HTTP layer.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Upload size limits.
    pub limits: Limits,
    /// Node budget of `/render` when the request names none (`max-nodes-render`).
    pub max_nodes_render: MaxNodes,
    /// Data older than this is refused at ingestion (400) and deleted; `None` keeps
    /// everything.
    pub retention: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            limits: Limits::default(),
            max_nodes_render: MaxNodes::RENDER_DEFAULT,
            retention: None,
        }
    }
}

/// Everything handlers share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    assets: Assets,
    store: Arc<Store>,
    queue: WriteQueue,
    settings: Settings,
    auth: Auth,
    budget: MemoryBudget,
    targets: Targets,
    /// The effective configuration, secrets redacted (`GET /config`); set once by `main`.
    config_view: std::sync::OnceLock<serde_json::Value>,
}

impl AppState {
    /// State over an open store with authentication off; starts the store's writer thread.
    #[must_use]
    pub fn new(assets: Assets, store: Arc<Store>, settings: Settings) -> Self {
        Self::assemble(assets, store, settings, Auth::disabled())
    }

    /// State with the auth switches of `auth`: creates the initial admin on the store's
    /// first start and loads (or generates and stores) the session signing key.
    pub fn with_auth(
        assets: Assets,
        store: Arc<Store>,
        settings: Settings,
        auth: AuthConfig,
    ) -> Result<Self, StartError> {
        let now = base::clock::unix_now();
        let auth = Auth::start(auth, &store, now)?;
        Ok(Self::assemble(assets, store, settings, auth))
    }

    fn assemble(assets: Assets, store: Arc<Store>, settings: Settings, auth: Auth) -> Self {
        observe::install();
        let queue = WriteQueue::start(Arc::clone(&store));
        let budget = MemoryBudget::new(settings.limits.max_in_flight, ingest::budget::WAIT);
        Self {
            inner: Arc::new(Inner {
                assets,
                store,
                queue,
                settings,
                auth,
                budget,
                targets: Targets::default(),
                config_view: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Authentication and authorization.
    #[must_use]
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// Where the web app's files come from.
    #[must_use]
    pub fn assets(&self) -> &Assets {
        &self.inner.assets
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> Arc<Store> {
        Arc::clone(&self.inner.store)
    }

    /// The writer.
    #[must_use]
    pub fn queue(&self) -> &WriteQueue {
        &self.inner.queue
    }

    /// Upload limits.
    #[must_use]
    pub fn limits(&self) -> Limits {
        self.inner.settings.limits
    }

    /// The memory budget shared by all uploads in flight.
    #[must_use]
    pub fn upload_budget(&self) -> &MemoryBudget {
        &self.inner.budget
    }

    /// The pull-mode endpoints and their health (filled by `jobs::scrape`).
    #[must_use]
    pub fn scrape_targets(&self) -> &Targets {
        &self.inner.targets
    }

    /// Default `/render` node budget.
    #[must_use]
    pub fn max_nodes_render(&self) -> MaxNodes {
        self.inner.settings.max_nodes_render
    }

    /// Records the effective configuration (secrets already redacted) that `GET /config`
    /// shows; only the first call counts.
    pub fn set_config_view(&self, view: serde_json::Value) {
        let _ = self.inner.config_view.set(view);
    }

    /// The effective configuration `GET /config` shows (`{}` when none was recorded, as in
    /// tests that build the state directly).
    #[must_use]
    pub fn config_view(&self) -> serde_json::Value {
        self.inner
            .config_view
            .get()
            .cloned()
            .unwrap_or_else(|| serde_json::Value::Object(serde_json::Map::new()))
    }

    /// Current unix time in seconds.
    #[must_use]
    pub fn now(&self) -> i64 {
        base::clock::unix_now()
    }

    /// Refuses an upload holding data that starts before the retention boundary: the
    /// configured period, or what the store has already expired (the size limit can move
    /// it). The original answers 200 and drops such writes silently; Cinder answers 400
    /// with the boundary, and stores nothing of the upload.
    pub fn check_retention(&self, writes: &[Write]) -> Result<(), error::AppError> {
        let configured = self
            .inner
            .settings
            .retention
            .map_or(i64::MIN, |r| base::clock::retention_cutoff(self.now(), r));
        let cutoff = configured.max(self.inner.store.marks().expired);
        match writes.iter().map(|w| w.window.start).min() {
            Some(start) if start < cutoff => Err(error::AppError::InvalidParameter(format!(
                "profile data starts at {} (unix {start}), before the retention boundary {} \
                 (unix {cutoff}): data that old is not kept, nothing was stored",
                base::clock::rfc3339(start),
                base::clock::rfc3339(cutoff),
            ))),
            _ => Ok(()),
        }
    }
}

/// The complete HTTP application, each request logged at debug level.
pub fn app(state: AppState) -> Router {
    routes::router(&state)
        .with_state(state)
        .layer(axum::middleware::from_fn(observe::http::log_request))
}
