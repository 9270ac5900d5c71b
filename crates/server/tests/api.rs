//! The data API over HTTP: ingestion in every format and encoding, its error answers (and
//! that a refused upload stores nothing), and the shapes of `/render`, `/render-diff`,
//! `/labels`, `/label-values` and `/api/apps`.

use std::io::Write as _;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cinder_server::app;
use cinder_server::ingest::Limits;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::support::Server;

const T0: i64 = 1_700_000_000;

impl Server {
    fn new() -> Server {
        Server::with_limits(Limits::default())
    }

    async fn ingest(&self, query: &str, body: impl Into<Body>) -> (StatusCode, String) {
        self.send(
            Request::post(format!("/ingest?{query}"))
                .body(body.into())
                .unwrap(),
        )
        .await
    }

    async fn get(&self, uri: &str) -> (StatusCode, String) {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    async fn render(&self, query: &str) -> Value {
        let (status, body) = self.get(&format!("/render?format=json&{query}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    async fn collapsed(&self, app: &str) -> String {
        let (status, body) = self
            .get(&format!(
                "/render?format=collapsed&query={app}%7B%7D&from={}&until={}",
                T0 - 3600,
                T0 + 3600
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn window() -> String {
    format!("from={T0}&until={}", T0 + 10)
}

#[tokio::test]
async fn folded_upload_renders_as_the_specs_worked_example() {
    let s = Server::new();
    let body = "main;work;compute 40\nmain;work;io 15\nmain;work 5\nmain;idle 10\ngc 30\n";
    let (status, resp) = s
        .ingest(
            &format!(
                "name=app.cpu%7Bregion%3Deu%7D&{}&spyName=pyspy&sampleRate=100",
                window()
            ),
            body,
        )
        .await;
    assert_eq!((status, resp.as_str()), (StatusCode::OK, ""));
    let v = s
        .render(&format!(
            "query=app.cpu%7B%7D&from={T0}&until={}&max-nodes=1024",
            T0 + 60
        ))
        .await;
    assert_eq!(
        v["flamebearer"]["names"],
        serde_json::json!(["total", "main", "work", "io", "compute", "idle", "gc"])
    );
    assert_eq!(
        v["flamebearer"]["levels"],
        serde_json::json!([
            [0, 100, 0, 0],
            [0, 30, 30, 6, 0, 70, 0, 1],
            [30, 10, 10, 5, 0, 60, 5, 2],
            [45, 40, 40, 4, 0, 15, 15, 3]
        ])
    );
    assert_eq!(v["flamebearer"]["numTicks"], 100);
    assert_eq!(
        v["timeline"]["samples"],
        serde_json::json!([101, 0, 0, 0, 0, 0]),
        "the +1 convention"
    );
    assert_eq!(v["timeline"]["durationDelta"], 10);
    assert_eq!(v["groups"]["*"]["samples"][0], 101);
    let m = &v["metadata"];
    assert_eq!(
        (
            m["spyName"].as_str(),
            m["sampleRate"].as_u64(),
            m["units"].as_str()
        ),
        (Some("pyspy"), Some(100), Some("samples"))
    );
    assert_eq!(m["name"], "app.cpu 2023-11-14T22:13:20Z");
    assert_eq!(
        (
            m["appName"].as_str(),
            m["query"].as_str(),
            m["maxNodes"].as_i64()
        ),
        (Some("app.cpu"), Some("app.cpu{}"), Some(1024))
    );
    assert_eq!(v["annotations"], serde_json::json!([]));
}

#[tokio::test]
async fn render_with_no_data_is_an_empty_profile_not_an_error() {
    let s = Server::new();
    let v = s
        .render(&format!(
            "query=nothing.cpu%7B%7D&from={T0}&until={}",
            T0 + 30
        ))
        .await;
    assert_eq!(
        v["flamebearer"]["levels"],
        serde_json::json!([[0, 0, 0, 0]])
    );
    assert_eq!(v["timeline"]["samples"], serde_json::json!([0, 0, 0]));
    assert_eq!(v["groups"], serde_json::json!({}));
}

#[tokio::test]
async fn matchers_select_series_and_group_by_splits_the_timeline() {
    let s = Server::new();
    for (env, n) in [("prod", 5), ("dev", 7), ("preprod", 11)] {
        s.ingest(
            &format!("name=app.cpu%7Benv%3D{env}%7D&{}", window()),
            format!("f {n}\n"),
        )
        .await;
    }
    let total = |v: Value| v["flamebearer"]["numTicks"].as_u64().unwrap();
    let q = |sel: &str| format!("query={}&from={T0}&until={}", urlencode(sel), T0 + 10);
    assert_eq!(total(s.render(&q(r#"app.cpu{}"#)).await), 23);
    assert_eq!(total(s.render(&q(r#"app.cpu{env="prod"}"#)).await), 5);
    assert_eq!(total(s.render(&q(r#"app.cpu{env!="prod"}"#)).await), 18);
    assert_eq!(
        total(s.render(&q(r#"app.cpu{env=~"prod"}"#)).await),
        5,
        "regexes are anchored"
    );
    assert_eq!(total(s.render(&q(r#"app.cpu{env=~".*prod"}"#)).await), 16);
    assert_eq!(total(s.render(&q(r#"app.cpu{env!~"p.*"}"#)).await), 7);
    let v = s.render(&format!("{}&groupBy=env", q("app.cpu{}"))).await;
    let groups: Vec<(String, u64)> = v["groups"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, t)| (k.clone(), t["samples"][0].as_u64().unwrap()))
        .collect();
    assert_eq!(
        groups,
        [
            ("dev".to_string(), 8),
            ("preprod".to_string(), 12),
            ("prod".to_string(), 6)
        ]
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn gzip_with_and_without_the_header_and_chunked_bodies_are_accepted() {
    let s = Server::new();
    let gz = gzip(b"a;b 3\n");
    let req = Request::post(format!("/ingest?name=g.cpu&{}", window()))
        .header("content-encoding", "gzip")
        .body(Body::from(gz.clone()))
        .unwrap();
    assert_eq!(s.send(req).await.0, StatusCode::OK);
    let req = Request::post(format!("/ingest?name=g.cpu&{}", window()))
        .header("content-type", "binary/octet-stream")
        .body(Body::from(gz))
        .unwrap();
    assert_eq!(s.send(req).await.0, StatusCode::OK);
    let chunks = futures_util::stream::iter(
        ["a;", "c 4", "\n"].map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from(c))),
    );
    let req = Request::post(format!("/ingest?name=g.cpu&{}", window()))
        .header("transfer-encoding", "chunked")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from_stream(chunks))
        .unwrap();
    assert_eq!(s.send(req).await.0, StatusCode::OK);
    assert_eq!(s.collapsed("g.cpu").await, "a;b 6\na;c 4\n");
}

#[tokio::test]
async fn lines_tree_and_trie_formats() {
    let s = Server::new();
    s.ingest(
        &format!("name=l.cpu&format=lines&{}", window()),
        "a;b\na;b\na;c\n",
    )
    .await;
    assert_eq!(s.collapsed("l.cpu").await, "a;b 2\na;c 1\n");
    let tree = b"\x00\x00\x01\x03foo\x00\x02\x03bar\x02\x00\x03baz\x03\x00".to_vec();
    assert_eq!(
        s.ingest(&format!("name=t.cpu&format=tree&{}", window()), tree)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(s.collapsed("t.cpu").await, "foo;bar 2\nfoo;baz 3\n");
    let trie = b"\x00\x00\x01\x06foo;ba\x00\x02\x01r\x02\x00\x01z\x03\x00".to_vec();
    let req = Request::post(format!("/ingest?name=r.cpu&{}", window()))
        .header("content-type", "binary/octet-stream+trie")
        .body(Body::from(trie))
        .unwrap();
    assert_eq!(s.send(req).await.0, StatusCode::OK);
    assert_eq!(s.collapsed("r.cpu").await, "foo;bar 2\nfoo;baz 3\n");
}

#[tokio::test]
async fn multipart_pprof_with_basic_auth_header_is_accepted() {
    let s = Server::new();
    let pprof = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/agents/node-pyroscope-nodejs-0.6.4-ingest-pprof/0001.bin"
    ))
    .unwrap();
    let mut body = b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"profile\"\r\nContent-Type: text/json\r\n\r\n".to_vec();
    body.extend_from_slice(&pprof);
    body.extend_from_slice(b"\r\n--BOUNDARY--\r\n");
    let req = Request::post(format!(
        "/ingest?name=mp.app%7Benv%3Dtest%7D&{}&spyName=nodespy",
        window()
    ))
    .header("content-type", "multipart/form-data; boundary=BOUNDARY")
    .header("authorization", "Basic dXNlcjpwc3gtdG9rZW4=")
    .body(Body::from(body))
    .unwrap();
    let (status, resp) = s.send(req).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    let (_, apps) = s.get("/label-values?label=__name__").await;
    assert_eq!(apps, r#"["mp.app.cpu","mp.app.samples","mp.app.wall"]"#);
    let (_, envs) = s
        .get("/label-values?label=controller&query=mp.app.cpu%7B%7D")
        .await;
    assert!(envs.contains("slow") || envs.contains("fast"), "{envs}");
}

#[tokio::test]
async fn bad_uploads_get_clear_errors_and_store_nothing() {
    let s = Server::with_limits(Limits {
        max_body: 1024,
        max_decompressed: 4096,
        ..Limits::default()
    });
    // (query, body, Content-Encoding, expected status, text the answer must contain)
    type Case = (
        String,
        Vec<u8>,
        Option<&'static str>,
        StatusCode,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "name=".into(),
            b"a 1\n".to_vec(),
            None,
            StatusCode::BAD_REQUEST,
            "application name is required",
        ),
        (
            "name=bad%20name".into(),
            b"a 1\n".to_vec(),
            None,
            StatusCode::BAD_REQUEST,
            "invalid application name",
        ),
        (
            "name=x.cpu&from=20&until=10".into(),
            b"a 1\n".to_vec(),
            None,
            StatusCode::BAD_REQUEST,
            "before",
        ),
        (
            "name=x.cpu".into(),
            b"a 1\nb notanumber\n".to_vec(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid count",
        ),
        (
            "name=x.cpu&format=pprof".into(),
            b"\x0a\xff\xff".to_vec(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "protobuf",
        ),
        (
            "name=x.cpu&format=tree".into(),
            b"\x05ab".to_vec(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "binary input",
        ),
        (
            "name=x.cpu".into(),
            vec![b'a'; 2048],
            None,
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
        ),
        (
            "name=x.cpu".into(),
            gzip(&vec![b'a'; 100_000]),
            Some("gzip"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too large",
        ),
        (
            "name=x.cpu".into(),
            b"a 1\n".to_vec(),
            Some("br"),
            StatusCode::BAD_REQUEST,
            "Content-Encoding",
        ),
    ];
    for (query, body, encoding, want, needle) in cases {
        let mut req = Request::post(format!("/ingest?{query}"));
        if let Some(e) = encoding {
            req = req.header("content-encoding", e);
        }
        let (status, resp) = s.send(req.body(Body::from(body)).unwrap()).await;
        assert_eq!(status, want, "{query}: {resp}");
        assert!(resp.contains(needle), "{query}: {resp:?} lacks {needle:?}");
    }
    let (_, apps) = s.get("/label-values?label=__name__").await;
    assert_eq!(apps, "[]", "nothing was stored");
    assert_eq!(
        s.get("/healthz").await.0,
        StatusCode::OK,
        "the server keeps serving"
    );
}

#[tokio::test]
async fn render_refuses_what_the_original_crashes_on() {
    let s = Server::new();
    for (query, needle) in [
        (
            "format=json".to_string(),
            "'query' or 'name' parameter is required",
        ),
        (
            format!("format=json&query=a.cpu%7B%7D&from={}&until={T0}", T0 + 100),
            "is after",
        ),
        (
            "format=bogus&query=a.cpu%7B%7D".to_string(),
            "unknown format",
        ),
        (
            "query=a.cpu%7Bk%3Dv%7D".to_string(),
            "invalid tag value syntax",
        ),
        ("query=a.cpu%7Bk%3D~%22(%22%7D".to_string(), "invalid regex"),
    ] {
        let (status, body) = s.get(&format!("/render?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(body.starts_with("invalid parameter: "), "{body}");
        assert!(body.contains(needle), "{query}: {body}");
    }
    s.ingest(&format!("name=a.cpu%7Bk%3Dv%7D&{}", window()), "x 1\n")
        .await;
    let v = s
        .render(&format!(
            "name=a.cpu%7Bk%3Dv%7D&from={T0}&until={}&max-nodes=-5",
            T0 + 10
        ))
        .await;
    assert_eq!(v["flamebearer"]["numTicks"], 1, "name= works with JSON");
    assert_eq!(
        v["metadata"]["maxNodes"], -1,
        "negative budgets mean unlimited"
    );
}

#[tokio::test]
async fn render_diff_aligns_both_sides() {
    let s = Server::new();
    s.ingest(
        &format!("name=d.cpu&from={T0}&until={}", T0 + 10),
        "main;a 2\nmain;b 1\n",
    )
    .await;
    s.ingest(
        &format!("name=d.cpu&from={}&until={}", T0 + 100, T0 + 110),
        "main;a 1\nmain;c 3\n",
    )
    .await;
    let uri = format!(
        "/render-diff?leftQuery=d.cpu%7B%7D&leftFrom={T0}&leftUntil={}&rightQuery=d.cpu%7B%7D&rightFrom={}&rightUntil={}&format=json",
        T0 + 10,
        T0 + 100,
        T0 + 110
    );
    let (status, body) = s.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["flamebearer"]["names"],
        serde_json::json!(["total", "main", "c", "b", "a"])
    );
    assert_eq!(
        v["flamebearer"]["levels"],
        serde_json::json!([
            [0, 3, 0, 0, 4, 0, 0],
            [0, 3, 0, 0, 4, 0, 1],
            [0, 2, 2, 0, 1, 1, 4, 0, 1, 1, 0, 0, 0, 3, 0, 0, 0, 0, 3, 3, 2]
        ])
    );
    assert_eq!(
        (v["leftTicks"].as_u64(), v["rightTicks"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(v["metadata"]["format"], "double");
    assert_eq!(v["timeline"], Value::Null);
    let post = s
        .send(Request::post(uri).body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        post,
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed\n".to_string()
        )
    );
}

#[tokio::test]
async fn render_as_collapsed_and_pprof() {
    let s = Server::new();
    s.ingest(&format!("name=c.cpu&{}", window()), "a;b 2\na 1\n")
        .await;
    assert_eq!(s.collapsed("c.cpu").await, "a 1\na;b 2\n");
    let resp = app(s.state.clone())
        .oneshot(
            Request::get(format!(
                "/render?format=pprof&query=c.cpu%7B%7D&from={T0}&until={}",
                T0 + 10
            ))
            .body(Body::empty())
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-disposition"],
        "attachment; filename=c.cpu 2023-11-14T22:13:20Z.pprof"
    );
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let back = cinder_profile::pprof::decode(&bytes, &Default::default()).unwrap();
    assert_eq!(back.merged(0).to_folded(), "a 1\na;b 2\n");
}

#[tokio::test]
async fn apps_are_listed_with_metadata_and_deleted_with_their_data() {
    let s = Server::new();
    s.ingest(
        &format!("name=one.cpu&{}&spyName=pyspy&sampleRate=100", window()),
        "a 1\n",
    )
    .await;
    s.ingest(
        &format!(
            "name=two.alloc_space&{}&units=bytes&spyName=gospy&sampleRate=0",
            window()
        ),
        "a 1\n",
    )
    .await;
    let (status, body) = s.get("/api/apps").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        r#"[{"name":"one.cpu","spyName":"pyspy","sampleRate":100,"units":"samples"},{"name":"two.alloc_space","spyName":"gospy","units":"bytes"}]"#
    );
    s.ingest(
        &format!("name=one.cpu%7Benv%3Dprod%2Cregion%3Deu%7D&{}", window()),
        "a 1\n",
    )
    .await;
    let (_, body) = s.get("/api/apps?details=true").await;
    let apps: Vec<cinder_profile::api::AppInfo> = serde_json::from_str(&body).unwrap();
    let until = T0 + 10;
    let last = |a: &cinder_profile::api::AppInfo| (a.label_count, a.last_data_time);
    assert_eq!(last(&apps[0]), (Some(2), Some(until)), "{body}");
    assert_eq!(last(&apps[1]), (Some(0), Some(until)), "{body}");
    let del = |b: &'static str| {
        Request::delete("/api/apps")
            .header("content-type", "application/json")
            .body(Body::from(b))
            .unwrap()
    };
    assert_eq!(s.send(del(r#"{"name":"one.cpu"}"#)).await.0, StatusCode::OK);
    assert_eq!(
        s.send(del(r#"{"name":"one.cpu"}"#)).await.0,
        StatusCode::OK,
        "idempotent"
    );
    let (status, body) = s.send(del(r#"{"name":"bad name"}"#)).await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::BAD_REQUEST,
            r#"{"errors":["invalid application name: bad name"]}"#
        )
    );
    assert_eq!(s.send(del("{")).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        s.get("/label-values?label=__name__").await.1,
        r#"["two.alloc_space"]"#
    );
    assert_eq!(s.collapsed("one.cpu").await, "");
}

#[tokio::test]
async fn label_values_requires_a_label() {
    let s = Server::new();
    let (status, body) = s.get("/label-values").await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "invalid parameter: \"label parameter is required\"\n"
        )
    );
    assert_eq!(s.get("/labels").await.1, "[]");
}
