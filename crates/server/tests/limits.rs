//! Upload limits through `app()`: a gzip bomb in every place an agent can put gzip (the
//! body with and without `Content-Encoding`, a pprof body, a multipart part, a push body,
//! a push `raw_profile`) is a 413 that names the limit, stores nothing, and gives its share
//! of the memory budget back; a spent budget is a 503 with `Retry-After`, and the server
//! keeps serving. The peak memory of the real binary under concurrent bombs is measured in
//! `binary_memory`.

use std::io::Write as _;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cinder_server::app;
use cinder_server::ingest::Limits;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::support::Server;

const WINDOW: &str = "from=1700000000&until=1700000010";
const PUSH: &str = "/push.v1.PusherService/Push";

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Protobuf field `tag` (length-delimited) holding `data`.
fn field(tag: u8, data: &[u8]) -> Vec<u8> {
    let mut out = vec![(tag << 3) | 2];
    let mut n = data.len();
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out.extend_from_slice(data);
    out
}

/// A Connect `PushRequest` with one series of app `bomb` holding `raw_profile`.
pub(crate) fn push_request(raw_profile: &[u8]) -> Vec<u8> {
    let label = |k: &str, v: &str| {
        field(
            1,
            &[field(1, k.as_bytes()), field(2, v.as_bytes())].concat(),
        )
    };
    let series = [
        label("__name__", "process_cpu"),
        label("service_name", "bomb"),
        field(2, &field(1, raw_profile)),
    ]
    .concat();
    field(1, &series)
}

/// A multipart body whose `profile` part is `profile`.
fn multipart(profile: &[u8]) -> Vec<u8> {
    let mut body = b"--XX\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"profile\"\r\nContent-Type: text/json\r\n\r\n".to_vec();
    body.extend_from_slice(profile);
    body.extend_from_slice(b"\r\n--XX--\r\n");
    body
}

/// One upload as raw HTTP parts, so the in-process tests and the real binary's test send
/// the same bytes.
pub(crate) struct Upload {
    /// What it exercises.
    pub name: &'static str,
    /// Path and query.
    pub path: String,
    /// Extra headers.
    pub headers: Vec<(&'static str, &'static str)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Upload {
    fn request(&self) -> Request<Body> {
        let mut req = Request::post(&self.path);
        for (k, v) in &self.headers {
            req = req.header(*k, *v);
        }
        req.body(Body::from(self.body.clone())).unwrap()
    }
}

/// One upload of each kind carrying `bomb` (a gzip stream) where agents put gzip.
pub(crate) fn bomb_uploads(bomb: &[u8]) -> Vec<Upload> {
    let ingest = |q: &str| format!("/ingest?name=bomb.cpu&{WINDOW}{q}");
    let proto = ("content-type", "application/proto");
    let up = |name, path, headers, body| Upload {
        name,
        path,
        headers,
        body,
    };
    vec![
        up(
            "folded, Content-Encoding: gzip",
            ingest(""),
            vec![("content-encoding", "gzip")],
            bomb.to_vec(),
        ),
        up("folded, gzip sniffed", ingest(""), vec![], bomb.to_vec()),
        up("pprof", ingest("&format=pprof"), vec![], bomb.to_vec()),
        up(
            "multipart profile part",
            ingest(""),
            vec![("content-type", "multipart/form-data; boundary=XX")],
            multipart(bomb),
        ),
        up(
            "push body",
            PUSH.into(),
            vec![proto, ("content-encoding", "gzip")],
            bomb.to_vec(),
        ),
        up(
            "push raw_profile",
            PUSH.into(),
            vec![proto],
            push_request(bomb),
        ),
    ]
}

impl Server {
    async fn send_retry(&self, req: Request<Body>) -> (StatusCode, Option<String>, String) {
        let resp = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let retry = resp
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, retry, String::from_utf8_lossy(&body).into_owned())
    }

    async fn apps(&self) -> String {
        let req = Request::get("/label-values?label=__name__").body(Body::empty());
        self.send_retry(req.unwrap()).await.2
    }

    /// A small valid upload still works.
    async fn assert_serving(&self) {
        let req =
            Request::post(format!("/ingest?name=ok.cpu&{WINDOW}")).body(Body::from("a;b 1\n"));
        let (status, _, body) = self.send_retry(req.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

fn small_limits() -> Limits {
    Limits {
        max_body: 1 << 20,
        max_decompressed: 1 << 20,
        max_in_flight: 16 << 20,
    }
}

#[tokio::test]
async fn a_gzip_bomb_anywhere_is_413_with_a_reason_and_stores_nothing() {
    let s = Server::with_limits(small_limits());
    let bomb = gzip(&vec![0u8; 16 << 20]);
    assert!(bomb.len() < 20_000, "{}", bomb.len());
    for upload in bomb_uploads(&bomb) {
        let name = upload.name;
        let (status, _, body) = s.send_retry(upload.request()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{name}: {body}");
        assert!(
            body.contains("decompresses to more than 1048576 bytes"),
            "{name}: {body}"
        );
        let budget = s.state.upload_budget();
        assert_eq!(budget.available(), budget.total(), "{name}: lease returned");
    }
    assert_eq!(s.apps().await, "[]", "nothing was stored");
    s.assert_serving().await;
}

#[tokio::test]
async fn the_allowance_is_per_upload_not_per_stream() {
    let s = Server::with_limits(small_limits());
    // Two parts of 600 kB each: each under the cap, together over it.
    let part = gzip(&vec![b'x'; 600_000]);
    let mut body = b"--XX\r\nContent-Disposition: form-data; name=\"profile\"\r\n\r\n".to_vec();
    body.extend_from_slice(&part);
    body.extend_from_slice(
        b"\r\n--XX\r\nContent-Disposition: form-data; name=\"prev_profile\"\r\n\r\n",
    );
    body.extend_from_slice(&part);
    body.extend_from_slice(b"\r\n--XX--\r\n");
    let req = Request::post(format!("/ingest?name=two.cpu&{WINDOW}"))
        .header("content-type", "multipart/form-data; boundary=XX")
        .body(Body::from(body));
    let (status, _, body) = s.send_retry(req.unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(s.apps().await, "[]");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_before_or_while_it_is_read() {
    let s = Server::with_limits(small_limits());
    let big = vec![b'a'; (1 << 20) + 1];
    let declared =
        Request::post(format!("/ingest?name=big.cpu&{WINDOW}")).body(Body::from(big.clone()));
    let (status, _, body) = s.send_retry(declared.unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.contains("larger than 1048576 bytes"), "{body}");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.chunks(100_000).map(|c| Ok(c.to_vec())).collect();
    let streamed = Request::post(format!("/ingest?name=big.cpu&{WINDOW}"))
        .body(Body::from_stream(futures_util::stream::iter(chunks)));
    let (status, _, body) = s.send_retry(streamed.unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(s.apps().await, "[]");
}

#[tokio::test]
async fn a_spent_budget_is_503_with_retry_after_then_uploads_resume() {
    let s = Server::with_limits(small_limits());
    let budget = s.state.upload_budget().clone();
    let mut hog = budget.lease(0);
    hog.grow(budget.total()).await.unwrap();
    let folded = || {
        Request::post(format!("/ingest?name=late.cpu&{WINDOW}"))
            .body(Body::from("a 1\n"))
            .unwrap()
    };
    let (status, retry, body) = s.send_retry(folded()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(retry.as_deref(), Some("5"));
    assert!(body.contains("busy"), "{body}");
    let push = Request::post(PUSH)
        .header("content-type", "application/proto")
        .body(Body::from(push_request(b"")));
    let (status, retry, body) = s.send_retry(push.unwrap()).await;
    assert_eq!(
        (status, retry.as_deref()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("5")),
        "{body}"
    );
    assert!(body.contains(r#""code":"unavailable""#), "{body}");
    assert_eq!(s.apps().await, "[]");
    // An upload waiting for its share gets it when another upload ends.
    let waiting = {
        let state = s.state.clone();
        tokio::spawn(async move { app(state).oneshot(folded()).await.unwrap().status() })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(hog);
    assert_eq!(waiting.await.unwrap(), StatusCode::OK);
    s.assert_serving().await;
}
