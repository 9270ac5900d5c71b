//! Users, keys and sessions across restarts: in process (the store closed and reopened
//! under a new `AppState`) and with the real `cinder` binary and its auth flags.

use std::io::Read as _;
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cinder_server::auth::{AuthConfig, Secret};
use cinder_server::store::Store;
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::fixture::b64;

fn config() -> AuthConfig {
    AuthConfig {
        internal: true,
        ingestion: true,
        ..AuthConfig::default()
    }
}

/// A server over the store in `dir`, as `main.rs` builds it.
fn open(dir: &std::path::Path, config: AuthConfig) -> AppState {
    let store = Arc::new(Store::open(dir).unwrap());
    AppState::with_auth(Assets::Missing, store, Settings::default(), config).unwrap()
}

/// Drops `state` and waits until its writer thread let go of the store, so the directory
/// can be opened again.
fn close(state: AppState) {
    let store = state.store();
    drop(state);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Arc::strong_count(&store) > 1 {
        assert!(Instant::now() < deadline, "store still in use");
        std::thread::sleep(Duration::from_millis(5));
    }
}

async fn call(
    state: &AppState,
    method: &str,
    path: &str,
    auth: &str,
    body: &str,
) -> (u16, String, String) {
    let mut req = axum::http::Request::builder().method(method).uri(path);
    if let Some(token) = auth.strip_prefix("cookie ") {
        req = req.header("cookie", format!("pyroscopeJWT={token}"));
    } else if !auth.is_empty() {
        req = req.header("authorization", auth);
    }
    let resp = app(state.clone())
        .oneshot(req.body(axum::body::Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.strip_prefix("pyroscopeJWT="))
        .and_then(|c| c.split(';').next())
        .unwrap_or("")
        .to_string();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), cookie)
}

fn login_body(name: &str, password: &str) -> String {
    format!(r#"{{"username":"{name}","password":"{}"}}"#, b64(password))
}

fn field(json: &str, name: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v[name].to_string().trim_matches('"').to_string()
}

const INGEST: &str = "/ingest?name=p.cpu&from=1700000000&until=1700000010";

#[tokio::test]
async fn users_keys_and_sessions_survive_a_restart_and_the_admin_is_made_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = open(dir.path(), config());
    let (status, _, token) =
        call(&state, "POST", "/login", "", &login_body("admin", "admin")).await;
    assert_eq!(status, 204, "the initial admin exists");
    let cookie = format!("cookie {token}");
    let (_, key_json, _) = call(
        &state,
        "POST",
        "/api/keys",
        &cookie,
        r#"{"name":"ci","role":"Agent"}"#,
    )
    .await;
    let key = format!("Bearer {}", field(&key_json, "key"));
    let jdoe = r#"{"name":"jdoe","password":"amRvZS1wdw==","role":"Admin"}"#;
    assert_eq!(
        call(&state, "POST", "/api/users", &cookie, jdoe).await.0,
        201
    );
    let users = state.store().users().unwrap();
    close(state);

    let state = open(dir.path(), config());
    assert_eq!(
        state.store().users().unwrap(),
        users,
        "nothing re-created or lost"
    );
    assert_eq!(
        call(&state, "GET", "/api/user", &cookie, "").await.0,
        200,
        "session survives"
    );
    assert_eq!(
        call(&state, "POST", INGEST, &key, "a 1").await.0,
        200,
        "key survives"
    );
    let (status, _, jdoe_token) =
        call(&state, "POST", "/login", "", &login_body("jdoe", "jdoe-pw")).await;
    assert_eq!(status, 204);
    let jdoe = format!("cookie {jdoe_token}");
    let admin_id = users.iter().find(|u| u.name == "admin").unwrap().id;
    let path = format!("/api/users/{admin_id}");
    assert_eq!(call(&state, "DELETE", &path, &jdoe, "").await.0, 204);
    close(state);

    let state = open(dir.path(), config());
    let names: Vec<String> = state
        .store()
        .users()
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(
        names,
        ["jdoe"],
        "a deleted initial admin is never re-created"
    );
    assert_eq!(
        call(&state, "POST", "/login", "", &login_body("admin", "admin"))
            .await
            .0,
        401
    );
    close(state);
}

#[tokio::test]
async fn a_configured_jwt_secret_signs_sessions_instead_of_the_stored_one() {
    let dir = tempfile::tempdir().unwrap();
    let with = |s: &str| AuthConfig {
        jwt_secret: Some(Secret(s.into())),
        ..config()
    };
    let state = open(dir.path(), with("first-secret"));
    let (_, _, token) = call(&state, "POST", "/login", "", &login_body("admin", "admin")).await;
    let cookie = format!("cookie {token}");
    close(state);
    let state = open(dir.path(), with("other-secret"));
    assert_eq!(call(&state, "GET", "/api/user", &cookie, "").await.0, 401);
    close(state);
    let state = open(dir.path(), config());
    assert_eq!(
        call(&state, "GET", "/api/user", &cookie, "").await.0,
        401,
        "generated key differs"
    );
    close(state);
    let state = open(dir.path(), with("first-secret"));
    assert_eq!(call(&state, "GET", "/api/user", &cookie, "").await.0, 200);
    close(state);
}

const BIN: &str = env!("CARGO_BIN_EXE_cinder");

#[test]
fn server_help_documents_the_auth_flags_and_hides_secret_env_values() {
    let out = Command::new(BIN)
        .args(["server", "--help"])
        .env("PYROSCOPE_AUTH_JWT_SECRET", "jwt-from-env")
        .env("PYROSCOPE_AUTH_INTERNAL_ADMIN_PASSWORD", "pw-from-env")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--auth.internal.enabled",
        "PYROSCOPE_AUTH_INTERNAL_ENABLED",
        "--auth.ingestion.enabled",
        "PYROSCOPE_AUTH_INGESTION_ENABLED",
        "--auth.internal.signup-enabled",
        "PYROSCOPE_AUTH_INTERNAL_SIGNUP_ENABLED",
        "--auth.internal.admin.name",
        "--auth.internal.admin.email",
        "--auth.internal.admin.password",
        "--auth.signup-default-role",
        "--auth.jwt-secret",
        "PYROSCOPE_AUTH_JWT_SECRET",
        "--auth.login-maximum-lifetime-days",
        "--auth.cookie-same-site",
        "--auth.cookie-secure",
    ] {
        assert!(help.contains(needle), "missing {needle} in:\n{help}");
    }
    assert!(
        !help.contains("jwt-from-env") && !help.contains("pw-from-env"),
        "{help}"
    );
}

/// One HTTP/1.1 exchange with extra header lines; the whole response.
fn http(port: u16, method: &str, path: &str, headers: &str, body: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    );
    std::io::Write::write_all(&mut s, head.as_bytes()).unwrap();
    std::io::Write::write_all(&mut s, body.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn start(storage: &std::path::Path) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(BIN)
        .args(["server", "--api-bind-addr", &format!("127.0.0.1:{port}")])
        .args(["--auth.internal.enabled", "--auth.ingestion.enabled=true"])
        .arg("--storage-path")
        .arg(storage)
        .arg("--no-self-profiling")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, port)
}

fn stop(mut child: std::process::Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn the_binary_enforces_auth_and_keeps_keys_and_sessions_across_a_restart() {
    let storage = tempfile::tempdir().unwrap();
    let (child, port) = start(storage.path());
    let r = http(port, "POST", "/login", "", &login_body("admin", "admin"));
    assert!(r.starts_with("HTTP/1.1 204"), "{r}");
    let token = r
        .split("pyroscopeJWT=")
        .nth(1)
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let cookie = format!("Cookie: pyroscopeJWT={token}\r\n");
    let r = http(
        port,
        "POST",
        "/api/keys",
        &cookie,
        r#"{"name":"agent","role":"Agent"}"#,
    );
    assert!(r.starts_with("HTTP/1.1 201"), "{r}");
    let key = field(r.split("\r\n\r\n").nth(1).unwrap(), "key");
    let bearer = format!("Authorization: Bearer {key}\r\n");
    assert!(http(port, "POST", INGEST, &bearer, "a 1").starts_with("HTTP/1.1 200"));
    assert!(http(port, "POST", INGEST, "", "a 1").starts_with("HTTP/1.1 401"));
    assert!(http(port, "GET", "/api/apps", "", "").starts_with("HTTP/1.1 401"));
    stop(child);

    let (child, port) = start(storage.path());
    assert!(http(port, "POST", INGEST, &bearer, "a 1").starts_with("HTTP/1.1 200"));
    let r = http(port, "GET", "/api/user", &cookie, "");
    assert!(
        r.starts_with("HTTP/1.1 200") && r.contains(r#""name":"admin""#),
        "{r}"
    );
    assert!(http(port, "GET", "/api/apps", &cookie, "").contains("p.cpu"));
    stop(child);
}

/// `cinder admin reset-password`, the new password on stdin; the output and success.
fn reset(storage: &std::path::Path, user: &str, stdin: &str) -> (bool, String) {
    let mut child = Command::new(BIN)
        .args(["admin", "reset-password", "--storage-path"])
        .arg(storage)
        .arg(user)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn session_of(port: u16, user: &str, password: &str) -> Option<String> {
    let r = http(port, "POST", "/login", "", &login_body(user, password));
    r.starts_with("HTTP/1.1 204").then(|| {
        let token = r.split("pyroscopeJWT=").nth(1).unwrap();
        format!(
            "Cookie: pyroscopeJWT={}\r\n",
            token.split(';').next().unwrap()
        )
    })
}

#[test]
fn reset_password_works_with_the_server_running_or_stopped_and_ends_sessions() {
    let storage = tempfile::tempdir().unwrap();
    let (child, port) = start(storage.path());
    let cookie = session_of(port, "admin", "admin").unwrap();
    let (ok, msg) = reset(storage.path(), "admin", "while-running\n");
    assert!(ok && msg.contains("running server"), "{msg}");
    let r = http(port, "GET", "/api/user", &cookie, "");
    assert!(r.starts_with("HTTP/1.1 401"), "the old session ended: {r}");
    assert!(session_of(port, "admin", "admin").is_none());
    let cookie = session_of(port, "admin", "while-running").expect("the new password works");
    let (ok, msg) = reset(storage.path(), "nobody", "x\n");
    assert!(!ok && msg.contains("no user named"), "{msg}");
    let (ok, msg) = reset(storage.path(), "admin", "\n");
    assert!(!ok && msg.contains("can't be empty"), "{msg}");
    stop(child);

    let (ok, msg) = reset(storage.path(), "admin", "while-stopped\r\n");
    assert!(ok && msg.contains("no server was running"), "{msg}");
    let (child, port) = start(storage.path());
    let r = http(port, "GET", "/api/user", &cookie, "");
    assert!(r.starts_with("HTTP/1.1 401"), "{r}");
    assert!(session_of(port, "admin", "while-running").is_none());
    assert!(session_of(port, "admin", "while-stopped").is_some());
    stop(child);
    let (ok, msg) = reset(&storage.path().join("typo"), "admin", "x\n");
    assert!(!ok && msg.contains("no Cinder store"), "{msg}");
}
