//! The frozen store of format version 1 (`tests/fixtures/store-v1/store`, written once by
//! `examples/store_v1_fixture.rs`) opens with today's code and reads back exactly what was
//! written: apps, series and labels, trees over windows that use every kind of block,
//! timelines, averaging, users, the API key and the signing key. A layout change that
//! misreads old stores fails here; see `docs/storage.md` for what a format change needs.
//! Opening it migrates it to version 2 (`store/migrate.rs`), checked at the end. The same
//! checks run on `tests/fixtures/store-v2/store` and `store-v3/store`, written by the same
//! generator with the version 2 and 3 code (version 2 is migrated to 3 on open).

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use cinder_profile::selector::SeriesKey;
use cinder_profile::Tree;
use cinder_server::auth::{keys, password, AuthConfig, Role};
use cinder_server::base::Window;
use cinder_server::store::{tables, Aggregation, SeriesMeta, Store, Write};
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use tower::ServiceExt;

const T0: i64 = 1_700_000_000;
/// A frozen store and the API key its generator printed (the store holds only a digest).
#[derive(Clone, Copy)]
struct Fixture {
    dir: &'static str,
    agent_key: &'static str,
}

/// Format version 1, opened through the migration to version 2.
const V1: Fixture = Fixture {
    dir: "store-v1",
    agent_key: "psx-Aa1YR3PREoOACqPLpAcETcy8wUCgdxpvmIdrd2PRCTgl",
};
/// Format version 2, written by the same generator with the version 2 code.
const V2: Fixture = Fixture {
    dir: "store-v2",
    agent_key: "psx-AdZu7_RgcU17Szp2KjfxrA3OYqcDwfwI400PeiWiNVRI",
};
/// Format version 3, written by the same generator with the version 3 code.
const V3: Fixture = Fixture {
    dir: "store-v3",
    agent_key: "psx-AQiWI_L3GQKop-0EySyfyKVoKefcBzlrfxo9SGIzkKHg",
};
const PASSWORD: &str = "fixture-password";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The fixture, copied (opening may write: recovery, the lock file) and opened.
fn open_fixture(fx: Fixture) -> (tempfile::TempDir, Store) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fx.dir)
        .join("store");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&src, &dir.path().join("store"));
    let store = Store::open(&dir.path().join("store")).expect("the fixture opens");
    (dir, store)
}

fn folded(
    store: &Store,
    query_app: &str,
    labels: &[(&str, &str)],
    from: i64,
    until: i64,
) -> String {
    let series: Vec<_> = store
        .series_of_app(query_app)
        .unwrap()
        .into_iter()
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(v))
        })
        .collect();
    sorted_lines(
        &store
            .read(&series, Window::snap(from, until))
            .unwrap()
            .tree
            .to_folded(),
    )
}

/// Folded text with its lines sorted (the order of siblings is not part of the format).
fn sorted_lines(folded: &str) -> String {
    let mut lines: Vec<&str> = folded.lines().collect();
    lines.sort_unstable();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn apps_series_and_labels_read_back(fx: Fixture) {
    let (_dir, store) = open_fixture(fx);
    let apps: Vec<(String, String, Aggregation)> = store
        .apps()
        .unwrap()
        .into_iter()
        .map(|(name, rec)| (name, rec.meta.units, rec.meta.aggregation))
        .collect();
    assert_eq!(
        apps,
        [
            ("ride.cpu".into(), "samples".into(), Aggregation::Sum),
            ("ride.alloc_space".into(), "bytes".into(), Aggregation::Sum),
            (
                "worker.inuse_space".into(),
                "bytes".into(),
                Aggregation::Average
            ),
        ]
    );
    let ids: Vec<(u64, String)> = store
        .all_series()
        .unwrap()
        .into_iter()
        .map(|s| (s.id, format!("{}{:?}", s.app, s.labels)))
        .collect();
    assert_eq!(
        ids,
        [
            (
                3,
                r#"ride.alloc_space{"env": "prod", "region": "eu"}"#.into()
            ),
            (1, r#"ride.cpu{"env": "prod", "region": "eu"}"#.into()),
            (2, r#"ride.cpu{"env": "staging", "region": "us"}"#.into()),
            (4, "worker.inuse_space{}".into()),
        ]
    );
    assert_eq!(
        store.label_keys(Some("ride.cpu")).unwrap(),
        ["__name__", "env", "region"]
    );
    assert_eq!(
        store.label_values("env", None).unwrap(),
        ["prod", "staging"]
    );
    assert_eq!(
        store.label_values("__name__", None).unwrap(),
        ["ride.alloc_space", "ride.cpu", "worker.inuse_space"]
    );
}

fn trees_read_back_over_windows_of_every_level(fx: Fixture) {
    let (_dir, store) = open_fixture(fx);
    // Everything: 10 s slots, 1000 s blocks of the long write, and the day-later slot.
    assert_eq!(
        folded(&store, "ride.cpu", &[], T0 - 86_400, T0 + 2 * 86_400),
        "main;batch 360\nmain;handle;db 42\nmain;handle;json 20\nmain;idle 10\n"
    );
    assert_eq!(
        folded(&store, "ride.cpu", &[("env", "prod")], T0, T0 + 20),
        "main;handle;db 35\nmain;handle;json 20\nmain;idle 10\n"
    );
    assert_eq!(
        folded(&store, "ride.cpu", &[("env", "prod")], T0 + 10, T0 + 20),
        "main;handle;db 5\n"
    );
    // The hour was stored as 3 × 1000 s + 6 × 100 s blocks; the first 1000 s hold 100.
    assert_eq!(
        folded(&store, "ride.cpu", &[("env", "staging")], T0, T0 + 1_000),
        "main;batch 100\n"
    );
    assert_eq!(
        folded(&store, "ride.alloc_space", &[], T0, T0 + 10),
        "main;alloc 4096\n"
    );
    // Averaged: (100 + 300) / 2 writes.
    assert_eq!(
        folded(&store, "worker.inuse_space", &[], T0, T0 + 20),
        "w;buf 200\n"
    );
}

fn timelines_read_the_counts_of_each_level(fx: Fixture) {
    let (_dir, store) = open_fixture(fx);
    let prod: Vec<_> = store
        .series_of_app("ride.cpu")
        .unwrap()
        .into_iter()
        .filter(|s| s.labels["env"] == "prod")
        .collect();
    let mut tens = store
        .samples_at_level(&prod, Window::snap(T0, T0 + 30), 0)
        .unwrap();
    tens.sort_unstable();
    assert_eq!(tens, [(T0, 60), (T0 + 10, 5)]);
    let mut days = store
        .samples_at_level(&prod, Window::snap(T0, T0 + 1_000_000), 5)
        .unwrap();
    days.sort_unstable();
    assert_eq!(days, [(T0, 72)]);
}

fn users_keys_and_secrets_read_back(fx: Fixture) {
    let (_dir, store) = open_fixture(fx);
    let users: Vec<_> = store
        .users()
        .unwrap()
        .into_iter()
        .map(|u| (u.id, u.name, u.email, u.role, u.is_disabled, u.created_at))
        .collect();
    assert_eq!(
        users,
        [
            (
                1,
                "fixture-admin".into(),
                Some("fixture-admin@example.com".into()),
                Role::Admin,
                false,
                T0
            ),
            (
                2,
                "fixture-viewer".into(),
                Some("fixture-viewer@example.com".into()),
                Role::ReadOnly,
                true,
                T0
            ),
        ]
    );
    let admin = store.user_by_name("fixture-admin").unwrap().unwrap();
    assert!(password::verify(PASSWORD.as_bytes(), &admin.password_hash));
    assert!(!password::verify(b"wrong", &admin.password_hash));
    assert!(store
        .users_transaction(|t| Ok::<_, cinder_server::store::StoreError>(t.initialized()))
        .unwrap());
    let key = keys::authenticate(&store, fx.agent_key, T0 + 1)
        .unwrap()
        .unwrap();
    assert_eq!(
        (key.id, key.name.as_str(), key.role),
        (1, "fixture-agent", Role::Agent)
    );
    assert_eq!((key.created_at, key.expires_at), (T0, None));
    let jwt = store
        .secret_or_insert(tables::SECRET_JWT, || vec![9; 32])
        .unwrap();
    assert_eq!(jwt, (0u8..32).collect::<Vec<_>>());
}

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, String, Option<String>) {
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or("").to_string());
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), cookie)
}

fn login(name: &str) -> Request<Body> {
    let pw = base64::engine::general_purpose::STANDARD.encode(PASSWORD);
    Request::post("/login")
        .header("content-type", "application/json")
        .body(Body::from(format!(
            r#"{{"username":"{name}","password":"{pw}"}}"#
        )))
        .unwrap()
}

async fn the_server_logs_in_renders_and_ingests_on_the_fixture(fx: Fixture) {
    let (dir, store) = open_fixture(fx);
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), "<html></html>").unwrap();
    let config = AuthConfig {
        internal: true,
        ingestion: true,
        initial_admin: None,
        ..AuthConfig::default()
    };
    let state = AppState::with_auth(
        Assets::Dir(dir.path().join("dist")),
        Arc::new(store),
        Settings::default(),
        config,
    )
    .unwrap();
    let (status, _, cookie) = call(&state, login("fixture-admin")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let cookie = cookie.expect("a session cookie");
    let (status, _, _) = call(&state, login("fixture-viewer")).await;
    assert!(
        status.is_client_error(),
        "a disabled user logs in: {status}"
    );
    let get = |path: String| {
        Request::get(path)
            .header("cookie", cookie.clone())
            .body(Body::empty())
            .unwrap()
    };
    let render = format!(
        "/render?format=collapsed&query=ride.cpu%7B%7D&from={}&until={}",
        T0,
        T0 + 86_410
    );
    let (status, body, _) = call(&state, get(render.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        sorted_lines(&body),
        "main;batch 360\nmain;handle;db 42\nmain;handle;json 20\nmain;idle 10\n"
    );
    let (status, body, _) = call(&state, get("/api/apps".into())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let at = |name: &str| body.find(&format!(r#""name":"{name}""#)).expect(name);
    assert!(
        at("ride.cpu") < at("ride.alloc_space")
            && at("ride.alloc_space") < at("worker.inuse_space")
    );
    let ingest = Request::post(format!(
        "/ingest?name=ride.cpu%7Benv%3Dprod%2Cregion%3Deu%7D&from={}&until={}",
        T0 + 20,
        T0 + 30
    ))
    .header("authorization", format!("Bearer {}", fx.agent_key))
    .body(Body::from("main;new 1\n"))
    .unwrap();
    let (status, body, _) = call(&state, ingest).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body, _) = call(&state, get(render)).await;
    assert!(body.contains("main;new 1\n"), "{body}");
}

/// Opening the version 1 store migrates it to version 2 once (write counts become
/// millionths of a write): the old averages read as before, a new upload straddling a
/// 10 s boundary counts as one write beside them, and reopening migrates nothing twice.
#[test]
fn the_migration_to_version_2_keeps_averages_and_mixes_with_new_writes() {
    let (dir, store) = open_fixture(V1);
    let inuse = SeriesMeta {
        spy_name: "fixture".into(),
        sample_rate: 0,
        units: "bytes".into(),
        aggregation: Aggregation::Average,
    };
    store
        .write(vec![Write {
            key: SeriesKey::parse("worker.inuse_space{}").unwrap(),
            meta: inuse,
            window: Window::snap(T0 + 21, T0 + 31),
            tree: Tree::from_folded("w;buf 500\n").0,
        }])
        .unwrap();
    // (100 + 300 + 500) / 3 writes, in every window holding all three.
    for (from, until) in [(T0, T0 + 40), (T0 - 1_000, T0 + 1_000), (T0, T0 + 86_400)] {
        assert_eq!(
            folded(&store, "worker.inuse_space", &[], from, until),
            "w;buf 300\n",
            "{from}..{until}"
        );
    }
    drop(store);
    let store = Store::open(&dir.path().join("store")).expect("reopens");
    assert_eq!(
        folded(&store, "worker.inuse_space", &[], T0, T0 + 40),
        "w;buf 300\n"
    );
    assert_eq!(
        folded(&store, "worker.inuse_space", &[], T0, T0 + 20),
        "w;buf 200\n"
    );
}

/// Every check above, on both frozen stores.
macro_rules! on_each_fixture {
    ($fx:ident) => {
        #[test]
        fn apps_series_and_labels_read_back() {
            super::apps_series_and_labels_read_back(super::$fx);
        }
        #[test]
        fn trees_read_back_over_windows_of_every_level() {
            super::trees_read_back_over_windows_of_every_level(super::$fx);
        }
        #[test]
        fn timelines_read_the_counts_of_each_level() {
            super::timelines_read_the_counts_of_each_level(super::$fx);
        }
        #[test]
        fn users_keys_and_secrets_read_back() {
            super::users_keys_and_secrets_read_back(super::$fx);
        }
        #[tokio::test]
        async fn the_server_logs_in_renders_and_ingests_on_the_fixture() {
            super::the_server_logs_in_renders_and_ingests_on_the_fixture(super::$fx).await;
        }
    };
}

mod v1 {
    on_each_fixture!(V1);
}

mod v2 {
    on_each_fixture!(V2);
}

mod v3 {
    on_each_fixture!(V3);
}
