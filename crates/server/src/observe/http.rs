//! What the HTTP layer records, in one place. [`track`] wraps the routes the route table
//! marks with an [`Observed`] (outside their guard, so refusals count too) and records the
//! request's metrics from how it ended: the result from the status (every way a request
//! can end: guard refusals, extractor rejections, handler errors, success), the latency,
//! and for uploads the body bytes received. [`log_request`] wraps the whole app and writes
//! one debug line per request: method, path, query with credential-like values redacted,
//! status, latency. Headers (API keys, cookies) and bodies (passwords) are never logged.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use metrics::{counter, histogram};

use super::{INGEST_BYTES, INGEST_DURATION, LOGIN_FAILURES, QUERIES, QUERY_DURATION, UPLOADS};
use crate::ingest::params::BodyFormat;

/// What a route's requests count as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    /// `/ingest`: an upload whose format comes from `format=` and the Content-Type.
    Ingest,
    /// The Connect push endpoint: an upload of format `push`.
    Push,
    /// A read endpoint, by its label (`render`, `render_diff`, `labels`, …).
    Query(&'static str),
    /// `POST /login`: failures are counted.
    Login,
}

/// The `result` label of a response status.
#[must_use]
pub fn result_label(status: StatusCode) -> &'static str {
    match status.as_u16() {
        200..=399 => "ok",
        401 => "unauthorized",
        403 => "forbidden",
        413 => "too_large",
        429 => "throttled",
        503 => "unavailable",
        400..=499 => "bad_request",
        _ => "error",
    }
}

/// The route middleware: runs the request, then records what `what` asks for.
pub async fn track(State(what): State<Observed>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    match what {
        Observed::Ingest | Observed::Push => {
            let format = if what == Observed::Push {
                "push"
            } else {
                ingest_format(&req)
            };
            let (req, received) = counting_body(req);
            let resp = next.run(req).await;
            let result = result_label(resp.status());
            let bytes = received.load(Ordering::Relaxed);
            counter!(UPLOADS, "format" => format, "result" => result).increment(1);
            counter!(INGEST_BYTES, "format" => format, "result" => result).increment(bytes);
            histogram!(INGEST_DURATION, "format" => format).record(start.elapsed());
            resp
        }
        Observed::Query(endpoint) => {
            let resp = next.run(req).await;
            let result = result_label(resp.status());
            counter!(QUERIES, "endpoint" => endpoint, "result" => result).increment(1);
            histogram!(QUERY_DURATION, "endpoint" => endpoint).record(start.elapsed());
            resp
        }
        Observed::Login => {
            let resp = next.run(req).await;
            if resp.status().is_client_error() || resp.status().is_server_error() {
                counter!(LOGIN_FAILURES, "reason" => result_label(resp.status())).increment(1);
            }
            resp
        }
    }
}

/// The `format` label of an `/ingest` request, chosen as the handler chooses the body
/// format; formats the server refuses (`jfr`, `speedscope`) keep their name.
fn ingest_format(req: &Request) -> &'static str {
    let query: HashMap<String, String> =
        serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
    let format = query.get("format").map_or("", String::as_str);
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match BodyFormat::choose(format, content_type) {
        Ok(f) => f.name(),
        Err(_) if format == "jfr" => "jfr",
        Err(_) if format == "speedscope" => "speedscope",
        Err(_) => "unknown",
    }
}

/// `req` with its body counted as the handler reads it.
fn counting_body(req: Request) -> (Request, Arc<AtomicU64>) {
    let received = Arc::new(AtomicU64::new(0));
    let tally = Arc::clone(&received);
    let (parts, body) = req.into_parts();
    let stream = body.into_data_stream().inspect(move |chunk| {
        if let Ok(bytes) = chunk {
            tally.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
    });
    (
        Request::from_parts(parts, Body::from_stream(stream)),
        received,
    )
}

/// The app middleware: one debug line per request, after its answer.
pub async fn log_request(req: Request, next: Next) -> Response {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return next.run(req).await;
    }
    let start = Instant::now();
    let method = req.method().clone();
    let uri = loggable_uri(req.uri());
    let resp = next.run(req).await;
    tracing::debug!(
        method = %method,
        uri = %uri,
        status = resp.status().as_u16(),
        latency = ?start.elapsed(),
        "request"
    );
    resp
}

/// Parts of a query parameter's name that mark its value as a credential.
const SECRET_NAMES: &[&str] = &[
    "key",
    "token",
    "pass",
    "secret",
    "auth",
    "jwt",
    "session",
    "cookie",
    "credential",
    "sig",
];

/// The path and query of `uri`, with the values of credential-like query parameters
/// (`api_key=`, `token=`, `password=`…) replaced by `<redacted>`.
#[must_use]
pub fn loggable_uri(uri: &Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.path().to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret_name(name) => format!("{name}=<redacted>"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{}?{}", uri.path(), pairs.join("&"))
}

fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| name.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_follow_the_status() {
        let label = |s: u16| result_label(StatusCode::from_u16(s).unwrap());
        assert_eq!(label(200), "ok");
        assert_eq!(label(204), "ok");
        assert_eq!(label(400), "bad_request");
        assert_eq!(label(422), "bad_request");
        assert_eq!(label(401), "unauthorized");
        assert_eq!(label(403), "forbidden");
        assert_eq!(label(413), "too_large");
        assert_eq!(label(429), "throttled");
        assert_eq!(label(503), "unavailable");
        assert_eq!(label(500), "error");
    }

    #[test]
    fn credential_like_query_values_are_redacted() {
        let uri: Uri = "/ingest?name=app.cpu%7Benv%3Dprod%7D&api_key=psx-abc&Token=t&from=1"
            .parse()
            .unwrap();
        assert_eq!(
            loggable_uri(&uri),
            "/ingest?name=app.cpu%7Benv%3Dprod%7D&api_key=<redacted>&Token=<redacted>&from=1"
        );
        let plain: Uri = "/render".parse().unwrap();
        assert_eq!(loggable_uri(&plain), "/render");
    }

    fn ingest_request(query: &str, content_type: &str) -> Request {
        Request::post(format!("/ingest?{query}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn ingest_formats_are_chosen_as_the_handler_chooses_them() {
        let f = |q: &str, ct: &str| ingest_format(&ingest_request(q, ct));
        assert_eq!(f("name=a", "text/plain"), "folded");
        assert_eq!(f("name=a&format=pprof", ""), "pprof");
        assert_eq!(f("name=a&format=trie", ""), "trie");
        assert_eq!(f("name=a", "binary/octet-stream+tree"), "tree");
        assert_eq!(f("name=a&format=lines", ""), "lines");
        assert_eq!(f("name=a", "multipart/form-data; boundary=x"), "multipart");
        assert_eq!(f("name=a&format=jfr", ""), "jfr");
    }
}
