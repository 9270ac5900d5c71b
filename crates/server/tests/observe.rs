//! `GET /metrics`: the answer parses as the Prometheus text format (checked by a strict
//! little parser here), and the counters move with what the server does. The recorder is
//! process-wide and the other tests of this binary run alongside, so the request metrics
//! are asserted as increases between two scrapes, never as absolute values; the store
//! gauges belong to the scraped server's own store and are exact.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use cinder_server::app;
use cinder_server::auth::AuthConfig;
use cinder_server::ingest::Limits;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::support::Server;

const T0: i64 = 1_700_000_000;

/// One scrape: every sample by its series (`name{k="v",…}`, labels sorted).
#[derive(Debug)]
struct Scrape(BTreeMap<String, f64>);

impl Scrape {
    /// The value of `name` with exactly `labels` (0 when absent: counters start at 0).
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0.get(&series_id(name, labels)).copied().unwrap_or(0.0)
    }
}

fn series_id(name: &str, labels: &[(&str, &str)]) -> String {
    let mut labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    labels.sort();
    format!("{name}{{{}}}", labels.join(","))
}

fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Splits `k="v",k2="v2"` (the inside of the braces), unescaping values.
fn parse_labels(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"").ok_or(format!("label {rest:?}"))?;
        if !is_metric_name(key) || key.contains(':') {
            return Err(format!("label name {key:?}"));
        }
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c @ ('\\' | '"'))) => value.push(c),
                    other => return Err(format!("escape {other:?} in {s:?}")),
                },
                Some((i, '"')) => break i,
                Some((_, c)) => value.push(c),
                None => return Err(format!("unterminated value in {s:?}")),
            }
        };
        out.push((key.to_string(), value));
        rest = &after[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
    Ok(out)
}

fn parse_value(s: &str) -> Result<f64, String> {
    match s {
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ => s.parse().map_err(|_| format!("value {s:?}")),
    }
}

/// The family a sample belongs to: histograms' `_bucket`, `_sum` and `_count` belong to
/// their base name.
fn family<'a>(name: &'a str, types: &BTreeMap<String, String>) -> &'a str {
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix) {
            if types
                .get(base)
                .is_some_and(|t| t == "histogram" || t == "summary")
            {
                return base;
            }
        }
    }
    name
}

/// Parses the text exposition format strictly: `# HELP`/`# TYPE` lines with valid names and
/// known types (at most one TYPE per family, before its samples), samples with valid
/// names, labels and values, each series once.
fn parse(text: &str) -> Result<(Scrape, BTreeMap<String, String>), String> {
    let mut samples = BTreeMap::new();
    let mut types = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            let mut words = comment.trim_start().splitn(3, ' ');
            match (words.next(), words.next(), words.next()) {
                (Some("TYPE"), Some(name), Some(ty)) => {
                    let known = ["counter", "gauge", "histogram", "summary", "untyped"];
                    if !is_metric_name(name) || !known.contains(&ty) {
                        return Err(format!("bad TYPE line {line:?}"));
                    }
                    if types.insert(name.to_string(), ty.to_string()).is_some() {
                        return Err(format!("second TYPE for {name}"));
                    }
                }
                (Some("HELP"), Some(name), _) if !is_metric_name(name) => {
                    return Err(format!("bad HELP line {line:?}"))
                }
                _ => {}
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').ok_or(format!("line {line:?}"))?;
        let value = parse_value(value)?;
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let inner = rest
                    .strip_suffix('}')
                    .ok_or(format!("braces in {line:?}"))?;
                (name, parse_labels(inner)?)
            }
            None => (series, Vec::new()),
        };
        if !is_metric_name(name) {
            return Err(format!("metric name {name:?}"));
        }
        if !types.contains_key(family(name, &types)) {
            return Err(format!("{name} has no TYPE before its samples"));
        }
        let pairs: Vec<(&str, &str)> = labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if samples.insert(series_id(name, &pairs), value).is_some() {
            return Err(format!("series twice: {line:?}"));
        }
    }
    Ok((Scrape(samples), types))
}

impl Server {
    async fn post(&self, uri: &str, body: &'static [u8]) -> StatusCode {
        self.send(Request::post(uri).body(Body::from(body)).unwrap())
            .await
            .0
    }

    async fn scrape(&self) -> Scrape {
        let req = Request::get("/metrics").body(Body::empty()).unwrap();
        let resp = app(self.state.clone()).oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "{content_type}"
        );
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8(body.to_vec()).unwrap();
        match parse(&text) {
            Ok((scrape, _)) => scrape,
            Err(e) => panic!("/metrics is not Prometheus text: {e}\n{text}"),
        }
    }
}

fn ingest_uri(app: &str, extra: &str) -> String {
    format!("/ingest?name={app}&from={T0}&until={}{extra}", T0 + 10)
}

#[test]
fn the_parser_refuses_what_prometheus_refuses() {
    for bad in [
        "x 1\n",                                     // no TYPE
        "# TYPE x counter\nx{a=\"1} 1\n",            // unterminated value
        "# TYPE x counter\nx 1\nx 2\n",              // series twice
        "# TYPE x widget\nx 1\n",                    // unknown type
        "# TYPE 1x counter\n",                       // bad name
        "# TYPE x counter\nx one\n",                 // bad value
        "# TYPE x counter\n# TYPE x counter\nx 1\n", // two TYPEs
    ] {
        assert!(parse(bad).is_err(), "{bad:?} parsed");
    }
    let (ok, types) = parse(
        "# HELP h Help.\n# TYPE h histogram\nh_bucket{le=\"+Inf\",k=\"a\\\"b\"} 2\n\
         h_sum{k=\"a\\\"b\"} 0.5\nh_count{k=\"a\\\"b\"} 2\n",
    )
    .unwrap();
    assert_eq!(types["h"], "histogram");
    assert_eq!(ok.get("h_bucket", &[("k", "a\"b"), ("le", "+Inf")]), 2.0);
    assert_eq!(ok.get("h_count", &[("k", "a\"b")]), 2.0);
}

#[tokio::test]
async fn uploads_count_by_format_and_result_with_their_bytes() {
    let server = Server::with_limits(Limits {
        max_body: 64,
        ..Limits::default()
    });
    let before = server.scrape().await;
    let folded_ok = &[("format", "folded"), ("result", "ok")];
    let body: &[u8] = b"main;work 3\nmain;idle 1\n";
    let uri = ingest_uri("obs.ok.cpu", "");
    assert_eq!(server.post(&uri, body).await, StatusCode::OK);
    let uri = ingest_uri("obs.trie.cpu", "&format=trie");
    assert_eq!(
        server.post(&uri, b"not a trie").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let uri = ingest_uri("obs.big.cpu", "");
    assert_eq!(
        server.post(&uri, &[b'x'; 100]).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let push = "/push.v1.PusherService/Push";
    assert_eq!(
        server.post(push, b"\xff\xff").await,
        StatusCode::BAD_REQUEST
    );
    let after = server.scrape().await;

    let grew =
        |name: &str, labels: &[(&str, &str)]| after.get(name, labels) - before.get(name, labels);
    let uploads = "cinder_ingest_uploads_total";
    assert!(grew(uploads, folded_ok) >= 1.0, "{after:?}");
    let trie_bad = &[("format", "trie"), ("result", "bad_request")];
    assert!(grew(uploads, trie_bad) >= 1.0, "{after:?}");
    let too_large = &[("format", "folded"), ("result", "too_large")];
    assert!(grew(uploads, too_large) >= 1.0, "{after:?}");
    let push_bad = &[("format", "push"), ("result", "bad_request")];
    assert!(grew(uploads, push_bad) >= 1.0, "{after:?}");
    let bytes = "cinder_ingest_bytes_total";
    assert!(grew(bytes, folded_ok) >= body.len() as f64, "{after:?}");
    assert!(grew(bytes, trie_bad) >= 10.0, "{after:?}");
    let latency = "cinder_ingest_duration_seconds_count";
    assert!(grew(latency, &[("format", "folded")]) >= 2.0, "{after:?}");
    let inf = &[("format", "trie"), ("le", "+Inf")];
    assert!(
        grew("cinder_ingest_duration_seconds_bucket", inf) >= 1.0,
        "{after:?}"
    );
}

#[tokio::test]
async fn queries_are_timed_by_endpoint() {
    let server = Server::with_limits(Limits::default());
    let uri = ingest_uri("obs.render.cpu", "");
    assert_eq!(server.post(&uri, b"a;b 1\n").await, StatusCode::OK);
    let before = server.scrape().await;
    let render = format!(
        "/render?query=obs.render.cpu%7B%7D&from={}&until={}&format=json",
        T0 - 60,
        T0 + 60
    );
    let (status, body) = server
        .send(Request::get(render).body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = server
        .send(Request::get("/label-values").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let after = server.scrape().await;
    let grew =
        |name: &str, labels: &[(&str, &str)]| after.get(name, labels) - before.get(name, labels);
    let render = [("endpoint", "render")];
    assert!(
        grew("cinder_query_duration_seconds_count", &render) >= 1.0,
        "{after:?}"
    );
    let ok = [("endpoint", "render"), ("result", "ok")];
    assert!(grew("cinder_queries_total", &ok) >= 1.0, "{after:?}");
    let refused = [("endpoint", "label_values"), ("result", "bad_request")];
    assert!(grew("cinder_queries_total", &refused) >= 1.0, "{after:?}");
}

#[tokio::test]
async fn failed_logins_are_counted() {
    let server = Server::with_auth(AuthConfig {
        internal: true,
        ..AuthConfig::default()
    });
    let before = server.scrape().await;
    let password = base64::engine::general_purpose::STANDARD.encode("not-the-password");
    let login = Request::post("/login")
        .header("content-type", "application/json")
        .body(Body::from(format!(
            r#"{{"username":"admin","password":"{password}"}}"#
        )))
        .unwrap();
    assert_eq!(server.send(login).await.0, StatusCode::UNAUTHORIZED);
    let after = server.scrape().await;
    let reason = [("reason", "unauthorized")];
    let grew = after.get("cinder_login_failures_total", &reason)
        - before.get("cinder_login_failures_total", &reason);
    assert!(grew >= 1.0, "{after:?}");
}

#[tokio::test]
async fn store_gauges_are_this_servers_store() {
    let server = Server::with_limits(Limits::default());
    let empty = server.scrape().await;
    assert_eq!(empty.get("cinder_store_series", &[]), 0.0);
    for app in ["obs.a.cpu", "obs.b.cpu", "obs.b.cpu%7Benv%3Dprod%7D"] {
        let uri = ingest_uri(app, "");
        assert_eq!(server.post(&uri, b"a;b 1\n").await, StatusCode::OK);
    }
    let after = server.scrape().await;
    assert_eq!(after.get("cinder_store_series", &[]), 3.0, "{after:?}");
    assert!(after.get("cinder_store_size_bytes", &[]) > 0.0, "{after:?}");
}
