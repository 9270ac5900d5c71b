//! The real `cinder` executable's memory, read from `/proc/<pid>/status` (Linux only): a
//! default server, self-profiling included, idles under 64 MB after a few profiling
//! periods, and the peak (`VmHWM`) of a server under sixteen concurrent 1 MB gzip bombs
//! stays under 300 MB while every bomb is refused (413, or 503 when the upload memory
//! budget is spent). These are resource bounds, not timings.
//!
//! `CINDER_BIN=/path/to/cinder` runs them against another build (the release binary's
//! numbers are the ones users see; `cargo test` builds a debug one).

#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::limits::{bomb_uploads, Upload};

const BIN: &str = env!("CARGO_BIN_EXE_cinder");
const MB: u64 = 1024 * 1024;

/// The server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    _storage: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `cinder server` with default flags plus `extra`; returns once `/healthz` answers.
    fn start(extra: &[&str]) -> Server {
        let storage = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let bin = std::env::var("CINDER_BIN").unwrap_or_else(|_| BIN.to_string());
        let child = Command::new(bin)
            .args(["server", "--api-bind-addr", &format!("127.0.0.1:{port}")])
            .arg("--storage-path")
            .arg(storage.path())
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            port,
            _storage: storage,
        };
        // Generous: the test suite runs many servers at once on a loaded machine.
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.send("GET", "/healthz", &[], b"").is_none() {
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// One HTTP/1.1 exchange; the whole response, or `None` if the connection failed.
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).ok()?;
        // A refused upload may be answered (and the socket closed) before it is all sent.
        let _ = s.write_all(body);
        let mut out = Vec::new();
        s.read_to_end(&mut out).ok()?;
        Some(String::from_utf8_lossy(&out).into_owned())
    }

    fn upload(&self, u: &Upload) -> String {
        let headers: Vec<(&str, &str)> = u.headers.clone();
        self.send("POST", &u.path, &headers, &u.body)
            .unwrap_or_else(|| panic!("{}: no answer", u.name))
    }

    /// A field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in bytes.
    fn status_bytes(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status
            .lines()
            .find(|l| l.starts_with(&format!("{field}:")))
            .unwrap_or_else(|| panic!("no {field} in {status}"));
        let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kb * 1024
    }
}

/// A gzip stream of `members` members that inflates to `members` × 64 MiB of zeros, each
/// member about 64 kB. The last member is an empty one, so the size the stream declares in
/// its trailer is 0 and the server must count what it inflates.
fn bomb(members: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; MB as usize];
    for _ in 0..64 {
        e.write_all(&zeros).unwrap();
    }
    let member = e.finish().unwrap();
    let empty = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best())
        .finish()
        .unwrap();
    let mut out = member.repeat(members);
    out.extend_from_slice(&empty);
    out
}

#[test]
fn sixteen_concurrent_gzip_bombs_stay_under_300_mb() {
    // Self-profiling off: its symbol resolution peaks at over 100 MB in a debug build (full
    // DWARF; about 35 MB in release) and would land in this peak whenever a profiling
    // period ends during the test. Its cost is bounded by the idle test below.
    let server = Server::start(&["--no-self-profiling"]);
    let bomb = bomb(16);
    assert!(
        bomb.len() < 1_100_000 && bomb.len() > 900_000,
        "{}",
        bomb.len()
    );
    let kinds = bomb_uploads(&bomb);
    let answers: Vec<(&str, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let (server, upload) = (&server, &kinds[i % kinds.len()]);
                scope.spawn(move || (upload.name, server.upload(upload)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let peak = server.status_bytes("VmHWM");
    let busy = answers
        .iter()
        .filter(|(_, a)| a.starts_with("HTTP/1.1 503"))
        .count();
    eprintln!(
        "peak RSS (VmHWM) under 16 concurrent 1 MB gzip bombs: {} MB ({busy} of 16 refused as busy)",
        peak / MB
    );
    for (name, answer) in &answers {
        let refused_413 =
            answer.starts_with("HTTP/1.1 413") && answer.contains("decompresses to more than");
        // (The 503's Retry-After header is checked in `limits`.)
        let refused_503 = answer.starts_with("HTTP/1.1 503");
        assert!(refused_413 || refused_503, "{name}: {answer:.400}");
    }
    assert!(peak < 300 * MB, "peak RSS {} MB", peak / MB);
    let apps = server
        .send("GET", "/label-values?label=__name__", &[], b"")
        .unwrap();
    assert!(!apps.contains("bomb"), "a bomb was stored: {apps}");
    let ok = server.send(
        "POST",
        "/ingest?name=after.cpu&from=1700000000&until=1700000010",
        &[],
        b"a;b 1\n",
    );
    assert!(
        ok.unwrap().starts_with("HTTP/1.1 200"),
        "the server keeps serving"
    );
}

#[test]
fn a_default_server_idles_under_64_mb_while_it_profiles_itself() {
    let server = Server::start(&["--self-profiling-period=1s"]);
    // Some work for the profiler to sample, then idle for a few periods.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut stored = false;
    while !stored && Instant::now() < deadline {
        for _ in 0..20 {
            server.send(
                "GET",
                "/render?query=x.cpu%7B%7D&from=now-1y&format=json",
                &[],
                b"",
            );
        }
        std::thread::sleep(Duration::from_millis(300));
        stored = server
            .send("GET", "/api/apps", &[], b"")
            .is_some_and(|a| a.contains("cinder.server.cpu"));
    }
    assert!(stored, "no self-profile was stored");
    std::thread::sleep(Duration::from_secs(3));
    let (rss, peak) = (server.status_bytes("VmRSS"), server.status_bytes("VmHWM"));
    eprintln!(
        "idle RSS with self-profiling: {} MB (peak {} MB)",
        rss / MB,
        peak / MB
    );
    assert!(rss < 64 * MB, "idle RSS {} MB", rss / MB);
}
