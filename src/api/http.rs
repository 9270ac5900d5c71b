//! Typed calls to the server's HTTP API, one function per endpoint. The same calls work
//! against the original Pyroscope server.

use cinder_profile::api::BuildInfo;
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

use super::error::{reason_from_body, ApiError};
use crate::state::apps::AppInfo;

/// `GET /build`: the server's version and commit.
pub async fn build_info() -> Result<BuildInfo, ApiError> {
    get_json("/build").await
}

/// `GET /api/apps`: every application with its metadata.
pub async fn apps() -> Result<Vec<AppInfo>, ApiError> {
    get_json("/api/apps").await
}

/// `GET /labels?query=`: label keys of the query's app (without `__name__`).
pub async fn labels(query: &str) -> Result<Vec<String>, ApiError> {
    let url = format!("/labels?{}", encode(&[("query", query)]));
    let mut keys: Vec<String> = get_json(&url).await?;
    keys.retain(|k| k != "__name__");
    Ok(keys)
}

/// `GET /label-values?label=&query=`: values of one label within the query's app.
pub async fn label_values(label: &str, query: &str) -> Result<Vec<String>, ApiError> {
    get_json(&format!(
        "/label-values?{}",
        encode(&[("label", label), ("query", query)])
    ))
    .await
}

/// `GET /render?format=json`: the profile and timeline of a query over `[from, until)`.
/// Returned as text: decoding is the profile crate's job (and the caller's timing).
pub async fn render(
    query: &str,
    from: i64,
    until: i64,
    max_nodes: u32,
) -> Result<Vec<u8>, ApiError> {
    let url = format!(
        "/render?{}",
        encode(&[
            ("format", "json"),
            ("query", query),
            ("from", &from.to_string()),
            ("until", &until.to_string()),
            ("max-nodes", &max_nodes.to_string()),
        ])
    );
    fetch_bytes(&url).await
}

/// `GET /render?format=json&max-nodes=-1`: one time chunk of a query, untruncated (merging
/// trees truncated to a node budget would lose ticks into `other`).
pub async fn render_chunk(query: &str, from: i64, until: i64) -> Result<Vec<u8>, ApiError> {
    let url = format!(
        "/render?{}",
        encode(&[
            ("format", "json"),
            ("query", query),
            ("from", &from.to_string()),
            ("until", &until.to_string()),
            ("max-nodes", "-1"),
        ])
    );
    fetch_bytes(&url).await
}

/// Any URL, as bytes: profiles opened with `?profile=URL`.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, ApiError> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = ok_or_error(resp).await?;
    resp.binary()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

fn encode(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

async fn get_text(url: &str) -> Result<String, ApiError> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = ok_or_error(resp).await?;
    resp.text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let text = get_text(url).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

async fn ok_or_error(resp: Response) -> Result<Response, ApiError> {
    if resp.ok() {
        return Ok(resp);
    }
    let body = resp.text().await.unwrap_or_default();
    Err(ApiError::Status(resp.status(), reason_from_body(&body)))
}

/// `POST /login` with a form body; the server sets the session cookie on success.
pub async fn login(username: &str, password: &str) -> Result<(), ApiError> {
    let body = encode(&[("username", username), ("password", password)]);
    let req = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = req
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    ok_or_error(resp).await.map(|_| ())
}
