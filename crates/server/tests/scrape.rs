//! Pull mode against real HTTP targets on loopback, through the server's own state and
//! jobs (no binary): a local target that answers good profiles next to endpoints that
//! answer 500, hang, answer garbage or refuse connections (each marked down with its
//! reason while the good one keeps being stored, cumulative types as deltas), and a real
//! Node.js program with `@pyroscope/nodejs`'s Express pull-mode middleware
//! (`tests/e2e/pull_target.cjs`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use cinder_profile::api::{ScrapeTarget, TargetHealth};
use cinder_profile::pprof::{encode, EncodeOptions};
use cinder_profile::Tree;
use cinder_server::ingest::Limits;
use cinder_server::jobs::{Jobs, JobsConfig};
use cinder_server::scrape::ScrapeConfig;
use cinder_server::store::Store;
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Size of the `/big` answer, over the test server's body limit.
const BIG: usize = 64 * 1024;

/// How long a test waits for scrapes to happen before it fails.
const DEADLINE: Duration = Duration::from_secs(60);

struct Server {
    state: AppState,
    jobs: Option<Jobs>,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(configs: Value) -> Server {
        Server::with_settings(configs, Settings::default())
    }

    fn with_settings(configs: Value, settings: Settings) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        let state = AppState::new(Assets::Missing, store, settings);
        let scrape: Vec<ScrapeConfig> = serde_json::from_value(configs).unwrap();
        let jobs = Jobs::start(
            &state,
            JobsConfig {
                scrape,
                ..JobsConfig::default()
            },
        );
        Server {
            state,
            jobs: Some(jobs),
            _dir: dir,
        }
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let req = Request::get(uri).body(Body::empty()).unwrap();
        let resp = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    async fn text(&self, uri: &str) -> String {
        let req = Request::get(uri).body(Body::empty()).unwrap();
        let resp = app(self.state.clone()).oneshot(req).await.unwrap();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8_lossy(&body).into_owned()
    }

    async fn targets(&self) -> Vec<ScrapeTarget> {
        let (status, body) = self.get("/targets").await;
        assert_eq!(status, 200);
        serde_json::from_value(body).unwrap()
    }

    /// Waits until `done` holds for the targets list; fails with the list after
    /// [`DEADLINE`].
    async fn wait_for(
        &self,
        what: &str,
        done: impl Fn(&[ScrapeTarget]) -> bool,
    ) -> Vec<ScrapeTarget> {
        let start = Instant::now();
        loop {
            let list = self.targets().await;
            if done(&list) {
                return list;
            }
            assert!(start.elapsed() < DEADLINE, "waited for {what}: {list:#?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Total ticks stored for `app` over the last hour.
    async fn total(&self, app: &str) -> u64 {
        let now = cinder_server::base::clock::unix_now();
        let (from, until) = (now - 3600, now + 60);
        let uri = format!("/render?format=json&from={from}&until={until}&query={app}%7B%7D");
        let (status, body) = self.get(&uri).await;
        assert_eq!(status, 200, "{body}");
        body["flamebearer"]["numTicks"].as_u64().unwrap_or(0)
    }

    async fn apps(&self) -> Vec<String> {
        let (_, body) = self.get("/api/apps").await;
        let mut names: Vec<String> = body
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(jobs) = self.jobs.take() {
            jobs.stop();
        }
    }
}

fn pprof(folded: &str, sample_type: &str, unit: &str) -> Vec<u8> {
    let (tree, _) = Tree::from_folded_bytes(folded.as_bytes());
    encode(
        &tree,
        &EncodeOptions {
            sample_type: sample_type.into(),
            unit: unit.into(),
            ..EncodeOptions::default()
        },
    )
}

/// A target whose heap profile's `alloc_space` grows by 100 bytes per request; how many
/// heap requests it answered is counted.
async fn local_target(heap_served: Arc<AtomicU64>) -> String {
    let heap = move || {
        let n = heap_served.fetch_add(1, Ordering::SeqCst) + 1;
        async move { pprof(&format!("main;alloc {}\n", 100 * n), "alloc_space", "bytes") }
    };
    let router = Router::new()
        .route("/debug/pprof/heap", get(heap))
        .route(
            "/debug/pprof/profile",
            get(|| async { pprof("main;work 7\n", "samples", "count") }),
        )
        .route(
            "/fail",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/hang",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                "late"
            }),
        )
        .route("/garbage", get(|| async { "<html>not a profile</html>" }))
        .route("/big", get(|| async { vec![b'x'; BIG] }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// An address nothing listens on.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

fn by_url<'a>(list: &'a [ScrapeTarget], suffix: &str) -> &'a ScrapeTarget {
    list.iter()
        .find(|t| t.url.ends_with(suffix))
        .unwrap_or_else(|| panic!("no target {suffix}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_targets_are_down_with_their_reason_while_a_good_one_is_stored() {
    let heap_served = Arc::new(AtomicU64::new(0));
    let good = local_target(Arc::clone(&heap_served)).await;
    let refused = closed_port();
    let custom = |path: &str| json!({ "path": path });
    let limits = Limits {
        max_body: BIG / 4,
        ..Limits::default()
    };
    let settings = Settings {
        limits,
        ..Settings::default()
    };
    let mut server = Server::with_settings(
        json!([
            {
                "job-name": "good",
                "scrape-interval": "1s",
                "scrape-timeout": "2s",
                "static-configs": [{ "application": "shop", "targets": [good], "labels": { "env": "test" } }]
            },
            {
                "job-name": "bad",
                "scrape-interval": "1s",
                "scrape-timeout": "1s",
                "enabled-profiles": ["fail", "hang", "garbage", "big"],
                "profiles": {
                    "fail": custom("/fail"), "hang": custom("/hang"), "garbage": custom("/garbage"),
                    "big": custom("/big")
                },
                "static-configs": [{ "application": "broken", "targets": [good] }]
            },
            {
                "job-name": "tls",
                "scheme": "https",
                "scrape-interval": "1s",
                "enabled-profiles": ["mem"],
                "static-configs": [{ "application": "plain", "targets": [good] }]
            },
            {
                "job-name": "refused",
                "scrape-interval": "1s",
                "enabled-profiles": ["mem"],
                "static-configs": [{ "application": "gone", "targets": [refused] }]
            }
        ]),
        settings,
    );
    let initial = server.targets().await;
    assert_eq!(initial.len(), 8, "{initial:#?}");
    assert!(initial
        .iter()
        .all(|t| t.health == TargetHealth::Unknown && t.last_scrape == "0001-01-01T00:00:00Z"));

    let list = server
        .wait_for("every target scraped, the heap three times", |l| {
            l.iter().all(|t| t.health != TargetHealth::Unknown)
                && heap_served.load(Ordering::SeqCst) >= 3
        })
        .await;
    let down = |suffix: &str, reason: &str| {
        let t = by_url(&list, suffix);
        assert_eq!(t.health, TargetHealth::Down, "{t:#?}");
        assert!(
            t.last_error.contains(reason),
            "{suffix}: {:?} should say {reason}",
            t.last_error
        );
    };
    down(
        "/fail",
        "server returned HTTP status 500 Internal Server Error",
    );
    down("/hang", "timeout");
    down("/garbage", "unparseable profile");
    down(
        "/big",
        "body too large: the body is larger than 16384 bytes",
    );
    down(&format!("{refused}/debug/pprof/heap"), "onnect");
    // An https job against a plain HTTP server: the TLS handshake fails.
    let tls = list.iter().find(|t| t.job == "tls").unwrap();
    assert!(tls.url.starts_with("https://"), "{tls:#?}");
    assert_eq!(tls.health, TargetHealth::Down, "{tls:#?}");
    assert!(tls.last_error.contains("Connect"), "{:?}", tls.last_error);
    let cpu = by_url(&list, "/debug/pprof/profile?seconds=1");
    assert_eq!(
        (cpu.health, cpu.last_error.as_str()),
        (TargetHealth::Up, "")
    );
    assert_eq!(cpu.job, "good");
    assert_eq!(cpu.labels["env"], "test");
    assert_eq!(cpu.labels["job"], "good");
    assert_eq!(cpu.labels["instance"], good);
    assert_eq!(cpu.discovered_labels["__name__"], "shop");
    assert!(cpu.last_scrape.ends_with('Z') && !cpu.last_scrape.starts_with("0001"));
    assert_eq!(
        by_url(&list, &format!("{good}/debug/pprof/heap")).health,
        TargetHealth::Up
    );
    let metrics = server.text("/metrics").await;
    for line in [
        r#"cinder_scrapes_total{job="good",result="ok"}"#,
        r#"cinder_scrapes_total{job="bad",result="error"}"#,
        r#"cinder_scrape_duration_seconds_count{job="refused"}"#,
    ] {
        assert!(metrics.contains(line), "/metrics lacks {line}:\n{metrics}");
    }

    // Stop scraping, then compare what was stored with what was served.
    if let Some(jobs) = server.jobs.take() {
        jobs.stop();
    }
    let apps = server.apps().await;
    assert!(apps.contains(&"shop.cpu".to_string()), "{apps:?}");
    assert!(apps.contains(&"shop.alloc_space".to_string()), "{apps:?}");
    assert!(
        !apps
            .iter()
            .any(|a| a.starts_with("broken") || a.starts_with("gone")),
        "{apps:?}"
    );
    let cpu_total = server.total("shop.cpu").await;
    assert!(
        cpu_total >= 7 && cpu_total % 7 == 0,
        "cpu ticks {cpu_total}"
    );
    // alloc_space is cumulative: 100, 200, 300, … were served; each scrape after the first
    // stores the 100 bytes allocated since the previous one (the first only primes).
    let alloc = server.total("shop.alloc_space").await;
    let served = heap_served.load(Ordering::SeqCst);
    assert!(
        alloc >= 100 && alloc % 100 == 0,
        "alloc_space ticks {alloc}"
    );
    assert!(
        alloc <= 100 * (served - 1),
        "{alloc} > 100 × ({served} - 1): not deltas"
    );
}

/// `tests/e2e/pull_target.cjs` under node, killed when dropped.
struct NodeTarget {
    child: Child,
    address: String,
}

impl NodeTarget {
    fn start() -> NodeTarget {
        let e2e = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e");
        assert!(
            e2e.join("node_modules/express").is_dir()
                && e2e.join("node_modules/pyroscope-nodejs-06").is_dir(),
            "tests/e2e/node_modules lacks express or @pyroscope/nodejs: run scripts/bootstrap.sh test"
        );
        let mut child = Command::new("node")
            .arg("pull_target.cjs")
            .current_dir(&e2e)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node must be installed to run the pull-mode test (CI has it)");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        let port = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("pull_target.cjs said {line:?}"));
        NodeTarget {
            child,
            address: format!("127.0.0.1:{port}"),
        }
    }
}

impl Drop for NodeTarget {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_program_with_the_express_pull_middleware_is_scraped() {
    let node = NodeTarget::start();
    let server = Server::start(json!([{
        "job-name": "node",
        "scrape-interval": "1s",
        "scrape-timeout": "5s",
        "static-configs": [{
            "application": "node.pull",
            "spy-name": "nodespy",
            "targets": [node.address],
            "labels": { "region": "local" }
        }]
    }]));
    let list = server
        .wait_for("both endpoints up", |l| {
            l.len() == 2 && l.iter().all(|t| t.health == TargetHealth::Up)
        })
        .await;
    assert!(
        list[0].url.ends_with("/debug/pprof/profile?seconds=1"),
        "{list:#?}"
    );
    assert!(list[1].url.ends_with("/debug/pprof/heap"), "{list:#?}");
    let start = Instant::now();
    let apps = loop {
        let apps = server.apps().await;
        if apps.len() >= 4 || start.elapsed() > DEADLINE {
            break apps;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // The middleware answers `/debug/pprof/profile` with a wall-time profile (`sample`
    // counts and `wall` nanoseconds) and `/debug/pprof/heap` with V8's heap sampling
    // (`objects`, `space`): every type is kept, under its own name.
    assert_eq!(
        apps,
        [
            "node.pull.objects",
            "node.pull.sample",
            "node.pull.space",
            "node.pull.wall"
        ]
    );
    assert!(server.total("node.pull.wall").await > 0);
    let (_, labels) = server
        .get("/label-values?label=region&query=node.pull.wall%7B%7D")
        .await;
    assert_eq!(labels, json!(["local"]));
    let (_, body) = server.get("/api/apps").await;
    let wall = body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "node.pull.wall")
        .unwrap();
    assert_eq!(wall["spyName"], "nodespy");
}
