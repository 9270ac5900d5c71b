//! Tests of the real `cinder` executable: its flags, and that it serves and shuts down
//! cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::free_port;

const BIN: &str = env!("CARGO_BIN_EXE_cinder");

#[test]
fn server_help_documents_every_flag_and_env_var() {
    let out = Command::new(BIN)
        .args(["server", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--api-bind-addr",
        "PYROSCOPE_API_BIND_ADDR",
        "[default: :4040]",
        "--storage-path",
        "PYROSCOPE_STORAGE_PATH",
        "[default: ./data]",
        "--ui-dir",
    ] {
        assert!(help.contains(needle), "missing {needle} in:\n{help}");
    }
}

#[test]
fn a_bad_bind_address_is_a_clear_error() {
    let out = Command::new(BIN)
        .args(["server", "--api-bind-addr", "nonsense"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid --api-bind-addr"));
}

fn http_get(port: u16, path: &str) -> Option<String> {
    http(port, "GET", path, "")
}

/// A minimal HTTP/1.1 exchange; the whole response as text, or `None` if the connection
/// failed (e.g. the server was killed).
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    std::io::Write::write_all(&mut s, head.as_bytes()).ok()?;
    std::io::Write::write_all(&mut s, body.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// Starts `cinder server` on a free port over `storage`; returns once /healthz answers.
fn start(storage: &std::path::Path) -> (std::process::Child, u16) {
    let port = free_port();
    let child = Command::new(BIN)
        .args(["server", "--api-bind-addr", &format!("127.0.0.1:{port}")])
        .arg("--storage-path")
        .arg(storage)
        .stderr(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while http_get(port, "/healthz").is_none() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, port)
}

fn collapsed(port: u16, app: &str) -> String {
    let r = http_get(
        port,
        &format!("/render?format=collapsed&query={app}%7B%7D&from=1700000000&until=1700000100"),
    )
    .unwrap();
    r.split("\r\n\r\n").nth(1).unwrap_or("").to_string()
}

#[test]
fn acknowledged_uploads_survive_kill_9_during_ingestion() {
    let storage = tempfile::tempdir().unwrap();
    let (mut child, port) = start(storage.path());
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = {
        let acked = std::sync::Arc::clone(&acked);
        std::thread::spawn(move || {
            // Fewer distinct stacks than the 2048 nodes a stored tree keeps.
            for i in 0..1_500 {
                let path = "/ingest?name=crash.cpu&from=1700000000&until=1700000010";
                match http(port, "POST", path, &format!("f{i} 1\n")) {
                    Some(r) if r.starts_with("HTTP/1.1 200") => acked.lock().unwrap().push(i),
                    _ => break,
                }
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while acked.lock().unwrap().len() < 50 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no graceful shutdown, no flush
    child.wait().unwrap();
    writer.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 50,
        "only {} uploads acknowledged",
        acked.len()
    );

    let (mut child, port) = start(storage.path());
    let stored = collapsed(port, "crash.cpu");
    child.kill().unwrap();
    child.wait().unwrap();
    for i in &acked {
        assert!(
            stored.contains(&format!("f{i} 1\n")),
            "acknowledged upload {i} lost after kill -9"
        );
    }
}

#[test]
fn data_is_there_after_a_clean_restart() {
    let storage = tempfile::tempdir().unwrap();
    let (child, port) = start(storage.path());
    let r = http(
        port,
        "POST",
        "/ingest?name=keep.cpu&from=1700000000&until=1700000010",
        "a;b 5\n",
    )
    .unwrap();
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut child = child;
    assert!(child.wait().unwrap().success());
    let (mut child, port) = start(storage.path());
    assert_eq!(collapsed(port, "keep.cpu"), "a;b 5\n");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn serves_healthz_then_exits_cleanly_on_sigterm() {
    let storage = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["server", "--api-bind-addr", &format!("127.0.0.1:{port}")])
        .arg("--storage-path")
        .arg(storage.path().join("data"))
        .stderr(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        if let Some(r) = http_get(port, "/healthz") {
            break r;
        }
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.ends_with("server is ready"), "{body}");
    assert!(
        storage.path().join("data").is_dir(),
        "storage directory is created"
    );

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    let logs: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(
        logs.iter().any(|l| l.contains("SIGTERM received")),
        "{logs:?}"
    );
}

#[test]
fn the_server_profiles_itself_into_cinder_server_cpu() {
    let storage = tempfile::tempdir().unwrap();
    let (mut child, port) = start(storage.path());
    // Keep it busy so the profiler has something to sample; the first 10 s window is
    // stored at the next 10 s boundary.
    let deadline = Instant::now() + Duration::from_secs(25);
    let mut found = String::new();
    while Instant::now() < deadline {
        for _ in 0..20 {
            http_get(port, "/render?query=x.cpu%7B%7D&from=now-1y&format=json");
        }
        let apps = http_get(port, "/api/apps").unwrap_or_default();
        if apps.contains("cinder.server.cpu") {
            found = http_get(
                port,
                "/render?format=collapsed&query=cinder.server.cpu%7B%7D&from=now-1h",
            )
            .unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        found.contains("tokio"),
        "no self-profile with tokio frames stored: {found:.300}"
    );
}
