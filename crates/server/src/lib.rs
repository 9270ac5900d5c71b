//! The Cinder server as a library: [`app`] builds the whole HTTP surface from an
//! [`AppState`], so tests drive it request-in/response-out without a socket, and `main.rs`
//! only parses flags, opens the store, binds and serves.
//!
//! Modules:
//! - [`config`]: flags and env vars → validated [`config::Config`].
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
    /// Data older than this is refused at ingestion and deleted; `None` keeps everything.
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

    /// Current unix time in seconds.
    #[must_use]
    pub fn now(&self) -> i64 {
        base::clock::unix_now()
    }

    /// Drops writes that start before the retention boundary (the original drops them
    /// silently too; agents do not resend refused data anyway).
    #[must_use]
    pub fn within_retention(&self, writes: Vec<Write>) -> Vec<Write> {
        let Some(retention) = self.inner.settings.retention else {
            return writes;
        };
        let cutoff = base::clock::retention_cutoff(self.now(), retention);
        let before = writes.len();
        let kept: Vec<Write> = writes
            .into_iter()
            .filter(|w| w.window.start >= cutoff)
            .collect();
        if kept.len() < before {
            tracing::debug!(
                dropped = before - kept.len(),
                "writes older than the retention period dropped"
            );
        }
        kept
    }
}

/// The complete HTTP application, each request logged at debug level.
pub fn app(state: AppState) -> Router {
    routes::router(&state)
        .with_state(state)
        .layer(axum::middleware::from_fn(observe::http::log_request))
}
