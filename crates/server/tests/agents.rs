//! Every captured request of a real agent (`tests/fixtures/agents`) replayed through the
//! router, then read back through `/render`: each series' total must equal what the
//! capture's `.decoded.json` says the agent sent, for every sample type (issue 10: the
//! original dropped the nanosecond `cpu` and `wall` types).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cinder_profile::selector::SeriesKey;
use cinder_server::store::Store;
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/agents")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// All captures: (sidecar, decoded, body), in directory then sequence order.
fn captures() -> Vec<(Value, Value, Vec<u8>)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let mut sidecars: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && !p.to_string_lossy().ends_with(".decoded.json")
            })
            .collect();
        sidecars.sort();
        for sidecar in sidecars {
            let decoded = sidecar.with_extension("decoded.json");
            let body = sidecar.with_extension("bin");
            out.push((
                read_json(&sidecar),
                read_json(&decoded),
                std::fs::read(body).unwrap(),
            ));
        }
    }
    assert!(
        out.len() >= 20,
        "expected the checked-in agent captures, found {}",
        out.len()
    );
    out
}

async fn send(state: &AppState, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    (
        status,
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
}

fn replay_request(sidecar: &Value, body: Vec<u8>) -> Request<Body> {
    let mut req = Request::builder()
        .method(sidecar["method"].as_str().unwrap())
        .uri(sidecar["raw_target"].as_str().unwrap());
    for h in sidecar["headers"].as_array().unwrap() {
        let name = h[0].as_str().unwrap();
        if !["host", "content-length", "transfer-encoding"]
            .contains(&name.to_ascii_lowercase().as_str())
        {
            req = req.header(name, h[1].as_str().unwrap());
        }
    }
    req.body(Body::from(body)).unwrap()
}

fn query_param(sidecar: &Value, key: &str) -> Option<String> {
    sidecar["query"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == key)
        .map(|p| p[1].as_str().unwrap().to_string())
}

#[derive(Default, Debug)]
struct Expect {
    sum: u64,
    writes: u64,
    average: bool,
}

fn add(expected: &mut BTreeMap<String, Expect>, app: String, value: u64, average: bool) {
    let e = expected.entry(app).or_default();
    e.sum += value;
    e.writes += 1;
    e.average = average;
}

fn pprof_totals(p: &Value) -> BTreeMap<String, u64> {
    let types = p["sample_types"].as_array().unwrap();
    let totals = p["totals"].as_array().unwrap();
    types
        .iter()
        .zip(totals)
        .map(|(t, v)| {
            (
                t.as_str().unwrap().split('/').next().unwrap().to_string(),
                v.as_u64().unwrap(),
            )
        })
        .collect()
}

/// Adds every sample type of one pprof summary under the series a user expects: CPU and
/// wall time (nanoseconds, kept exact) as `.cpu` / `.wall`; a sample count next to them
/// under its own name; heap types averaged (in-use) or summed. Pushed alloc types are
/// deltas; `/ingest` alloc types are cumulative and need a `prev_profile`.
fn add_pprof(expected: &mut BTreeMap<String, Expect>, base: &str, p: &Value, push: bool) {
    let totals = pprof_totals(p);
    let time = totals.contains_key("cpu") || totals.contains_key("wall");
    for (ty, total) in &totals {
        let (suffix, average) = match ty.as_str() {
            "samples" if time => ("samples", false),
            "samples" => ("cpu", false),
            "cpu" | "wall" => (ty.as_str(), false),
            "inuse_objects" | "inuse_space" => (ty.as_str(), true),
            "alloc_objects" | "alloc_space" if push => (ty.as_str(), false),
            other => panic!("no expectation for sample type {other}"),
        };
        add(expected, format!("{base}.{suffix}"), *total, average);
    }
}

/// What each app should contain, from the decoded captures.
fn expectations(caps: &[(Value, Value, Vec<u8>)]) -> BTreeMap<String, Expect> {
    let mut expected = BTreeMap::new();
    for (sidecar, decoded, _) in caps {
        match decoded["kind"].as_str().unwrap() {
            "ingest-folded" => {
                let app = SeriesKey::parse(&query_param(sidecar, "name").unwrap())
                    .unwrap()
                    .app;
                add(
                    &mut expected,
                    app,
                    decoded["folded"]["sum_of_counts"].as_u64().unwrap(),
                    false,
                );
            }
            "ingest-pprof" => {
                let base = SeriesKey::parse(&query_param(sidecar, "name").unwrap())
                    .unwrap()
                    .app;
                add_pprof(&mut expected, &base, &decoded["pprof"], false);
            }
            "multipart" => {
                let base = SeriesKey::parse(&query_param(sidecar, "name").unwrap())
                    .unwrap()
                    .app;
                for part in decoded["parts"].as_array().unwrap() {
                    add_pprof(&mut expected, &base, &part["pprof"], false);
                }
            }
            "connect-push" => {
                for series in decoded["series"].as_array().unwrap() {
                    let labels: BTreeMap<&str, &str> = series["labels"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|l| (l[0].as_str().unwrap(), l[1].as_str().unwrap()))
                        .collect();
                    let base = labels["service_name"];
                    for sample in series["samples"].as_array().unwrap() {
                        add_pprof(&mut expected, base, &sample["pprof"], true);
                    }
                }
            }
            other => panic!("unknown capture kind {other}"),
        }
    }
    expected
}

async fn rendered_total(state: &AppState, app_name: &str) -> u64 {
    let uri = format!(
        "/render?query={app_name}%7B%7D&from=1700000000&until=now%2B1d&format=json&max-nodes=-1"
    );
    let (status, body) = send(state, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let v: Value = serde_json::from_slice(&body).unwrap();
    v["flamebearer"]["numTicks"].as_u64().unwrap()
}

#[tokio::test]
async fn every_agent_capture_is_accepted_and_reads_back_with_its_totals() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        Assets::Missing,
        Arc::new(Store::open(dir.path()).unwrap()),
        Settings::default(),
    );
    let caps = captures();
    for (sidecar, _, body) in &caps {
        let (status, resp) = send(&state, replay_request(sidecar, body.clone())).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}: {}",
            sidecar["raw_target"],
            String::from_utf8_lossy(&resp)
        );
    }
    let expected = expectations(&caps);
    // The checked-in captures of agents whose types the original dropped are all here.
    for app_name in [
        "rust.agent.app.cpu",
        "e2e.py08.app.cpu",
        "e2e.node03.app.wall",
        "e2e.node03.app.cpu",
        "e2e.node04.app.inuse_space",
        "node.demo.app.wall",
    ] {
        assert!(expected.contains_key(app_name), "{app_name}: {expected:?}");
    }
    for (app_name, e) in &expected {
        let total = rendered_total(&state, app_name).await;
        if e.average {
            // Averaged types are divided per node (floor), so the total may be a little lower.
            let avg = e.sum / e.writes;
            assert!(
                total <= avg && total as f64 >= avg as f64 * 0.99,
                "{app_name}: {total} vs average {avg}"
            );
        } else {
            assert_eq!(total, e.sum, "{app_name}");
        }
    }
}

#[tokio::test]
async fn agent_tags_become_labels_and_apps_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        Assets::Missing,
        Arc::new(Store::open(dir.path()).unwrap()),
        Settings::default(),
    );
    for (sidecar, _, body) in captures() {
        send(&state, replay_request(&sidecar, body)).await;
    }
    let (_, body) = send(
        &state,
        Request::get("/label-values?label=__name__")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let apps: Vec<String> = serde_json::from_slice(&body).unwrap();
    for app_name in [
        "py.demo.app.cpu",
        "py.demo.app.alloc_space",
        "node.demo.app.cpu",
        "node.demo.app.wall",
        "node.demo.app.samples",
        "node.demo.app.inuse_space",
        "py.spy.app",
    ] {
        assert!(
            apps.iter().any(|a| a == app_name),
            "{app_name} missing from {apps:?}"
        );
    }
    let (_, body) = send(
        &state,
        Request::get("/labels?query=node.demo.app.cpu%7B%7D")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let labels: Vec<String> = serde_json::from_slice(&body).unwrap();
    for l in ["__name__", "controller", "env", "otel.scope.name", "region"] {
        assert!(labels.iter().any(|x| x == l), "{l} missing from {labels:?}");
    }
    let (_, body) = send(
        &state,
        Request::get("/label-values?label=env&query=py.demo.app.cpu%7B%7D")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        serde_json::from_slice::<Vec<String>>(&body).unwrap(),
        ["test"]
    );
}

/// Item 2 of issue 10: the Node agent sends `sampleRate=17` in the query of a wall profile
/// sampled every 10.191 ms. The profile's own period and units win: CPU and wall time are
/// exact nanoseconds (10⁹ ticks per second), the sample count is at 98 Hz, and the seconds
/// a user reads are the agent's own.
#[tokio::test]
async fn a_pprof_body_beats_a_contradicting_sample_rate_in_the_query() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        Assets::Missing,
        Arc::new(Store::open(dir.path()).unwrap()),
        Settings::default(),
    );
    let node = fixtures().join("node-pyroscope-nodejs-0.6.4-ingest-pprof");
    let body = std::fs::read(node.join("0003.bin")).unwrap();
    let totals = pprof_totals(&read_json(&node.join("0003.decoded.json"))["pprof"]);
    let req = Request::post(
        "/ingest?name=rate.app&from=1700000001&until=1700000011&format=pprof&sampleRate=17",
    )
    .body(Body::from(body))
    .unwrap();
    let (status, resp) = send(&state, req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&resp));
    for (suffix, ty, rate) in [
        ("cpu", "cpu", 1_000_000_000),
        ("wall", "wall", 1_000_000_000),
        ("samples", "samples", 98),
    ] {
        let uri = format!(
            "/render?query=rate.app.{suffix}%7B%7D&from=1700000000&until=1700000100&format=json&max-nodes=-1"
        );
        let (status, body) = send(&state, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["metadata"]["sampleRate"], rate, "{suffix}");
        assert_eq!(v["metadata"]["units"], "samples", "{suffix}");
        assert_eq!(v["flamebearer"]["numTicks"], totals[ty], "{suffix}");
    }
}

/// A sample type that cannot be stored (its name cannot be part of a series key) is
/// refused with a reason, and nothing of the upload is stored: never a 200 for data that
/// is dropped (the original acknowledged every unknown type and stored nothing).
#[tokio::test]
async fn a_sample_type_that_cannot_be_stored_is_refused_not_dropped() {
    use cinder_profile::pprof::{encode, EncodeOptions};
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        Assets::Missing,
        Arc::new(Store::open(dir.path()).unwrap()),
        Settings::default(),
    );
    let tree = cinder_profile::Tree::from_folded("main;work 5\n").0;
    let body = encode(
        &tree,
        &EncodeOptions {
            sample_type: "bad {name}".into(),
            unit: "count".into(),
            ..EncodeOptions::default()
        },
    );
    let req = Request::post("/ingest?name=bad.app&from=1700000000&until=1700000010&format=pprof")
        .body(Body::from(body))
        .unwrap();
    let (status, resp) = send(&state, req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = String::from_utf8_lossy(&resp);
    assert!(
        text.contains("bad {name}") && text.contains("(count) cannot be stored"),
        "{text}"
    );
    let (_, apps) = send(
        &state,
        Request::get("/label-values?label=__name__")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(String::from_utf8_lossy(&apps), "[]");
}
