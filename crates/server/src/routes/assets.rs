//! Serves the web app (Trunk's `dist/`): real files with their MIME type, the SPA's
//! `index.html` for the app's client-side routes, and, like the original server, the same
//! `index.html` with status 404 for any other path, so the app can render its own 404 page.
//!
//! When auth is required, app pages other than `/login`, `/signup` and `/forbidden` need
//! a session (or API key): without one the browser is sent to `/login` (spec §2.15).
//! Static files are always served.
//!
//! In a release binary built with the `embed` feature the files are compiled in
//! (rust-embed); otherwise, and in tests, they are read from a directory.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// First path segments that the web app routes on the client; they get `index.html` with 200.
const SPA_ROUTES: &[&str] = &[
    "",
    "explore",
    "comparison",
    "comparison-diff",
    "login",
    "signup",
    "settings",
    "service-discovery",
    "forbidden",
];

/// Where the web app's files come from.
#[derive(Debug, Clone)]
pub enum Assets {
    /// Files read from this directory at request time.
    Dir(PathBuf),
    /// Files compiled into the binary.
    #[cfg(feature = "embed")]
    Embedded,
    /// No web app: every page request is a 404 explaining how to build it.
    Missing,
}

#[cfg(feature = "embed")]
#[derive(rust_embed::Embed)]
#[folder = "../../dist"]
struct Dist;

impl Assets {
    /// The embedded app when this binary has one, else nothing.
    #[must_use]
    pub fn builtin() -> Self {
        #[cfg(feature = "embed")]
        {
            Assets::Embedded
        }
        #[cfg(not(feature = "embed"))]
        {
            Assets::Missing
        }
    }

    /// The bytes of the file at `rel` (a path relative to the app root), if present.
    async fn get(&self, rel: &str) -> Option<Cow<'static, [u8]>> {
        match self {
            Assets::Dir(root) => {
                let path = safe_join(root, rel)?;
                tokio::fs::read(path).await.ok().map(Cow::Owned)
            }
            #[cfg(feature = "embed")]
            Assets::Embedded => Dist::get(rel).map(|f| f.data),
            Assets::Missing => None,
        }
    }
}

/// Joins `rel` under `root`, refusing anything that could leave it (`..`, absolute paths).
fn safe_join(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| root.join(rel))
}

/// App pages anyone may open, even when auth is required.
const OPEN_ROUTES: &[&str] = &["login", "signup", "forbidden"];

/// Fallback handler: a static file, or `index.html` (200 for app routes, 404 otherwise).
pub async fn spa(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let rel = uri.path().trim_start_matches('/');
    if !rel.is_empty() && !rel.ends_with('/') {
        if let Some(bytes) = state.assets().get(rel).await {
            return file_response(rel, bytes);
        }
    }
    let status = if is_app_route(rel) {
        let first = rel.split('/').next().unwrap_or("");
        if !OPEN_ROUTES.contains(&first) {
            if let Some(refused) = crate::auth::guard::page(&state, &headers, &uri) {
                return refused;
            }
        }
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    match state.assets().get("index.html").await {
        Some(index) => {
            let mut resp = (status, Body::from(index)).into_response();
            let headers = resp.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            resp
        }
        None => (
            StatusCode::NOT_FOUND,
            "The Cinder web app is not part of this build: run `make build`, or pass --ui-dir.\n",
        )
            .into_response(),
    }
}

fn is_app_route(rel: &str) -> bool {
    let first = rel.split('/').next().unwrap_or("");
    SPA_ROUTES.contains(&first)
}

fn file_response(rel: &str, bytes: Cow<'static, [u8]>) -> Response {
    let mime = mime_guess::from_path(rel).first_or_octet_stream();
    // Trunk names every asset but index.html with a content hash, so they never change.
    let cache = if rel == "index.html" {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    let mut resp = Body::from(bytes).into_response();
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_join_refuses_to_leave_the_root() {
        let root = Path::new("/srv/dist");
        assert_eq!(
            safe_join(root, "a/b.js"),
            Some(PathBuf::from("/srv/dist/a/b.js"))
        );
        assert_eq!(safe_join(root, "../etc/passwd"), None);
        assert_eq!(safe_join(root, "a/../../x"), None);
        assert_eq!(safe_join(root, "/etc/passwd"), None);
    }

    #[test]
    fn app_routes_are_recognised_by_first_segment() {
        assert!(is_app_route(""));
        assert!(is_app_route("settings/users"));
        assert!(!is_app_route("nope"));
    }
}
