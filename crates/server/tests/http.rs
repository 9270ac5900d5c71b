//! Request/response tests of the app shell routes (health, build, web app files) through
//! `tower::ServiceExt::oneshot`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cinder_profile::api::BuildInfo;
use cinder_server::store::Store;
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

const INDEX: &str = "<!DOCTYPE html><html><body>cinder app</body></html>";

fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), INDEX).unwrap();
    std::fs::write(dir.path().join("cinder-web-abc123_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.path().join("main-1.css"), "body{}").unwrap();
    dir
}

async fn get(assets: Assets, method: &str, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let storage = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(storage.path()).unwrap());
    let state = AppState::new(assets, store, Settings::default());
    let resp = app(state).oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, ctype, body)
}

#[tokio::test]
async fn healthz_answers_like_the_original_for_any_method() {
    for method in ["GET", "POST", "HEAD"] {
        let (status, _, body) = get(Assets::Missing, method, "/healthz").await;
        assert_eq!(status, StatusCode::OK, "{method}");
        if method != "HEAD" {
            assert_eq!(body, b"server is ready");
        }
    }
}

#[tokio::test]
async fn build_reports_this_binarys_version_and_commit() {
    let (status, ctype, body) = get(Assets::Missing, "GET", "/build").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/json");
    let info: BuildInfo = serde_json::from_slice(&body).unwrap();
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert!(!info.git_sha.is_empty());
    assert!(info.time.ends_with('Z'), "{}", info.time);
}

#[tokio::test]
async fn app_routes_get_index_html_with_200() {
    let d = dist();
    for path in [
        "/",
        "/comparison",
        "/comparison-diff",
        "/settings/users",
        "/login",
        "/explore",
    ] {
        let (status, ctype, body) = get(Assets::Dir(d.path().into()), "GET", path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(ctype, "text/html; charset=utf-8", "{path}");
        assert_eq!(body, INDEX.as_bytes(), "{path}");
    }
}

#[tokio::test]
async fn unknown_paths_get_index_html_with_404_so_the_app_can_say_not_found() {
    let d = dist();
    let (status, ctype, body) = get(Assets::Dir(d.path().into()), "GET", "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(ctype, "text/html; charset=utf-8");
    assert_eq!(body, INDEX.as_bytes());
}

#[tokio::test]
async fn static_files_are_served_with_their_mime_type() {
    let d = dist();
    let (status, ctype, body) = get(
        Assets::Dir(d.path().into()),
        "GET",
        "/cinder-web-abc123_bg.wasm",
    )
    .await;
    assert_eq!(
        (status, ctype.as_str()),
        (StatusCode::OK, "application/wasm")
    );
    assert_eq!(body, b"\0asm");
    let (_, ctype, _) = get(Assets::Dir(d.path().into()), "GET", "/main-1.css").await;
    assert_eq!(ctype, "text/css");
}

#[tokio::test]
async fn path_traversal_does_not_leave_the_app_directory() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.txt"), "top secret").unwrap();
    let inner = outer.path().join("dist");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(inner.join("index.html"), INDEX).unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/a/..%2f..%2fsecret.txt",
    ] {
        let (_, _, body) = get(Assets::Dir(inner.clone()), "GET", path).await;
        assert_ne!(body, b"top secret", "{path}");
    }
}

#[tokio::test]
async fn without_a_web_app_pages_say_how_to_build_one() {
    let (status, _, body) = get(Assets::Missing, "GET", "/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8(body).unwrap().contains("make build"));
}
