//! What the in-process test modules share: a server state over a fresh temporary store,
//! and sending it one request; and, for the tests that start the binary, a free port. Each module adds its own helpers in its own `impl Server`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use cinder_server::auth::AuthConfig;
use cinder_server::ingest::Limits;
use cinder_server::store::Store;
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub(crate) struct Server {
    pub(crate) state: AppState,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Authentication off, these upload limits.
    pub(crate) fn with_limits(limits: Limits) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        let settings = Settings {
            limits,
            ..Settings::default()
        };
        Server {
            state: AppState::new(Assets::Missing, store, settings),
            _dir: dir,
        }
    }

    /// Default limits, these auth switches.
    pub(crate) fn with_auth(auth: AuthConfig) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        let state = AppState::with_auth(Assets::Missing, store, Settings::default(), auth).unwrap();
        Server { state, _dir: dir }
    }

    /// The whole response to `req`.
    pub(crate) async fn respond(&self, req: Request<Body>) -> Response {
        app(self.state.clone()).oneshot(req).await.unwrap()
    }

    /// Status and body text of the response to `req`.
    pub(crate) async fn send(&self, req: Request<Body>) -> (StatusCode, String) {
        let resp = self.respond(req).await;
        let status = resp.status();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

/// A loopback port nothing listens on now (for a binary the test starts).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
