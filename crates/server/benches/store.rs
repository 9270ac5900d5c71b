//! Storage benchmark (issue 12), run with `make bench-store` (or `CINDER_BIN=<release
//! binary> cargo bench -p cinder-server --bench store`). Measured from outside, over HTTP,
//! against the release binary:
//!
//! 1. seeds the workload: folded uploads of 200 distinct stacks and 900 samples each, one
//!    every 10 s for the last day and one every 10 minutes for the past year (61,200
//!    uploads, 55 M samples), from a few concurrent clients, in time order;
//! 2. stops the server with SIGTERM and prints the data directory's size (`du`-style
//!    allocated bytes) per sample, journal and tables apart, against the gzip size of
//!    everything uploaded;
//! 3. `/render` latency over 1 h, 24 h, 7 d, 30 d and 1 y: cold (first query after a
//!    restart, median of three restarts) and warm (median of repeated queries);
//! 4. 64 concurrent agents pushing for 15 s: uploads per second, peak RSS, peak journal.
//!
//! `BENCH_STORE_DAYS=N` seeds only the last N days of 10-minute uploads (quick iterations;
//! the full run is the default); `BENCH_STORE_DIR=path` keeps the data directory there.
//! Nothing is asserted: this is measurement, not a test.

use std::io::{BufRead, BufReader, Read, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

const STACKS: usize = 200;
const SAMPLES: u64 = 900;
const DAY: i64 = 86_400;
const CLIENTS: usize = 8;
const AGENTS: usize = 64;
const AGENT_SECONDS: u64 = 15;

/// A small deterministic generator (no dependency for one benchmark).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// 200 distinct stacks, 6 to 16 frames deep (about 250 bytes a line), sharing prefixes like a real program's.
fn stacks() -> Vec<String> {
    let mut rng = Rng(42);
    let pkgs = [
        "net/http",
        "runtime",
        "json",
        "shop/cart",
        "shop/pay",
        "shop/db",
        "sync",
        "io",
    ];
    let mut out: Vec<String> = Vec::new();
    while out.len() < STACKS {
        let depth = 6 + rng.below(11);
        let frames: Vec<String> = (0..depth)
            .map(|d| {
                let pkg = pkgs[(rng.below(3) + d) as usize % pkgs.len()];
                format!("{pkg}.(*H{}).Serve{}", d % 4, rng.below(2 + d / 2))
            })
            .collect();
        let line = frames.join(";");
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// One upload: every stack at least once, the other 700 samples spread by fixed weights
/// with per-upload noise.
fn body(stacks: &[String], seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed.wrapping_add(7));
    let mut counts = vec![1u64; stacks.len()];
    for _ in 0..SAMPLES - stacks.len() as u64 {
        // Skewed towards low indexes, as real profiles are.
        let i = rng.below(stacks.len() as u64) * rng.below(stacks.len() as u64);
        counts[(i / stacks.len() as u64) as usize] += 1;
    }
    let mut out = Vec::with_capacity(50_000);
    for (s, c) in stacks.iter().zip(counts) {
        out.extend_from_slice(format!("{s} {c}\n").as_bytes());
    }
    out
}

/// A keep-alive HTTP/1.1 client over one TCP connection.
struct Client {
    port: u16,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    fn new(port: u16) -> Client {
        Client { port, conn: None }
    }

    fn request(&mut self, method: &str, target: &str, body: &[u8]) -> (u16, Vec<u8>) {
        for attempt in 0..3 {
            if self.conn.is_none() {
                let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
                s.set_nodelay(true).ok();
                self.conn = Some(BufReader::new(s));
            }
            match self.try_request(method, target, body) {
                Ok(r) => return r,
                Err(e) if attempt < 2 => {
                    eprintln!("retrying {target}: {e}");
                    self.conn = None;
                }
                Err(e) => panic!("{method} {target}: {e}"),
            }
        }
        unreachable!()
    }

    fn try_request(
        &mut self,
        method: &str,
        target: &str,
        body: &[u8],
    ) -> std::io::Result<(u16, Vec<u8>)> {
        let conn = self.conn.as_mut().expect("connected");
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let stream = conn.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
        let mut line = String::new();
        conn.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let l = line.trim_end().to_ascii_lowercase();
            if l.is_empty() {
                break;
            }
            if let Some(v) = l.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if l.starts_with("transfer-encoding:") && l.contains("chunked") {
                chunked = true;
            }
        }
        let mut out = Vec::new();
        if chunked {
            loop {
                line.clear();
                conn.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; n + 2];
                conn.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&chunk[..n]);
            }
        } else {
            out.resize(length, 0);
            conn.read_exact(&mut out)?;
        }
        Ok((status, out))
    }
}

struct Server {
    child: Child,
    port: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    fn start(bin: &Path, storage: &Path) -> Server {
        let port = free_port();
        let child = Command::new(bin)
            .args(["server", "--api-bind-addr", &format!("127.0.0.1:{port}")])
            .arg("--storage-path")
            .arg(storage)
            .args(["--no-self-profiling", "--log-level", "warn"])
            .stdout(Stdio::null())
            .spawn()
            .expect("start the cinder binary (set CINDER_BIN)");
        let t0 = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(120),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Server { child, port }
    }

    fn status(&self, field: &str) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        s.lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }

    /// SIGTERM, then wait for a clean exit; returns how long the shutdown took.
    fn stop(mut self) -> Duration {
        let t0 = Instant::now();
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "server exited with {status}");
        t0.elapsed()
    }
}

/// Allocated bytes (as `du` counts them) under `dir`: (journal files, everything else).
fn du(dir: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let (mut journal, mut rest) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else if e.path().extension().is_some_and(|x| x == "jnl") {
                journal += m.blocks() * 512;
            } else {
                rest += m.blocks() * 512;
            }
        }
    }
    (journal, rest)
}

fn now() -> i64 {
    let s = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(s).unwrap() / 10 * 10
}

/// Upload windows: every 10 minutes over `days`, then every 10 s over the last day.
fn schedule(now: i64, days: i64) -> Vec<i64> {
    let mut out: Vec<i64> = (0..days * 144)
        .map(|i| now - days * DAY + i * 600)
        .collect();
    out.extend((0..DAY / 10).map(|i| now - DAY + i * 10));
    out
}

/// Samples RSS and journal size every 100 ms while `running`.
fn monitor(dir: PathBuf, running: Arc<AtomicBool>, peak_journal: Arc<AtomicU64>) {
    std::thread::spawn(move || {
        while running.load(Ordering::Relaxed) {
            let (j, _) = du(&dir);
            peak_journal.fetch_max(j, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(100));
        }
    });
}

fn seed(server: &Server, dir: &Path, stacks: &Arc<Vec<String>>, times: &Arc<Vec<i64>>) {
    let next = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(AtomicBool::new(true));
    let peak_journal = Arc::new(AtomicU64::new(0));
    monitor(
        dir.to_path_buf(),
        Arc::clone(&running),
        Arc::clone(&peak_journal),
    );
    let t0 = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (next, stacks, times) = (Arc::clone(&next), Arc::clone(stacks), Arc::clone(times));
            let port = server.port;
            std::thread::spawn(move || {
                let mut client = Client::new(port);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&t) = times.get(i) else { break };
                    let target = format!(
                        "/ingest?name=bench.cpu%7Benv%3Dprod%7D&from={t}&until={}&format=folded&spyName=gospy&sampleRate=100",
                        t + 10
                    );
                    let (status, _) = client.request("POST", &target, &body(&stacks, i as u64));
                    assert_eq!(status, 200, "upload {i}");
                    if i % 5_000 == 0 {
                        eprintln!("  {i} uploads");
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let elapsed = t0.elapsed().as_secs_f64();
    running.store(false, Ordering::Relaxed);
    println!(
        "seed: {} uploads in {elapsed:.1} s = {:.0} uploads/s ({CLIENTS} clients), peak RSS {:.0} MB, peak journal {:.0} MB",
        times.len(),
        times.len() as f64 / elapsed,
        server.status("VmHWM:") as f64 / 1e6,
        peak_journal.load(Ordering::Relaxed) as f64 / 1e6
    );
}

fn gzip_size(stacks: &[String], uploads: usize) -> u64 {
    use flate2::write::GzEncoder;
    // Every 50th upload, extrapolated (compressing 3 GB would dominate the run).
    let step = 50;
    let (mut gz, mut n) = (0u64, 0u64);
    for i in (0..uploads).step_by(step) {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&body(stacks, i as u64)).unwrap();
        gz += e.finish().unwrap().len() as u64;
        n += 1;
    }
    gz * uploads as u64 / n
}

fn render_ms(client: &mut Client, now: i64, span: i64) -> (f64, u64) {
    let target = format!(
        "/render?format=json&query=bench.cpu%7B%7D&from={}&until={now}",
        now - span
    );
    let t0 = Instant::now();
    let (status, body) = client.request("GET", &target, &[]);
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    (ms, v["flamebearer"]["numTicks"].as_u64().unwrap_or(0))
}

const RANGES: [(&str, i64); 5] = [
    ("1h", 3_600),
    ("24h", DAY),
    ("7d", 7 * DAY),
    ("30d", 30 * DAY),
    ("1y", 365 * DAY),
];

fn renders(bin: &Path, dir: &Path, now: i64) {
    // Cold: the first query after a restart, median of three restarts per range.
    let mut cold = Vec::new();
    for (_, span) in RANGES {
        let mut runs: Vec<f64> = (0..3)
            .map(|_| {
                let server = Server::start(bin, dir);
                let mut c = Client::new(server.port);
                let ms = render_ms(&mut c, now, span).0;
                server.stop();
                ms
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        cold.push(runs[1]);
    }
    let server = Server::start(bin, dir);
    let mut c = Client::new(server.port);
    println!("| range | cold ms (median of 3 restarts) | warm ms (median of 21) | numTicks |");
    println!("|---|---|---|---|");
    for ((label, span), cold) in RANGES.iter().zip(cold) {
        let mut warm: Vec<f64> = Vec::new();
        let mut ticks = 0;
        for _ in 0..24 {
            let (ms, t) = render_ms(&mut c, now, *span);
            warm.push(ms);
            ticks = t;
        }
        warm.drain(..3);
        warm.sort_by(f64::total_cmp);
        println!(
            "| {label} | {cold:.2} | {:.2} | {ticks} |",
            warm[warm.len() / 2]
        );
    }
    server.stop();
}

fn agents(bin: &Path, dir: &Path, stacks: &Arc<Vec<String>>) {
    let server = Server::start(bin, dir);
    let running = Arc::new(AtomicBool::new(true));
    let peak_journal = Arc::new(AtomicU64::new(0));
    monitor(
        dir.to_path_buf(),
        Arc::clone(&running),
        Arc::clone(&peak_journal),
    );
    let done = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let threads: Vec<_> = (0..AGENTS)
        .map(|a| {
            let (stacks, done, port) = (Arc::clone(stacks), Arc::clone(&done), server.port);
            std::thread::spawn(move || {
                let mut client = Client::new(port);
                let mut i = 0u64;
                while t0.elapsed() < Duration::from_secs(AGENT_SECONDS) {
                    let t = now() - 10;
                    let target = format!(
                        "/ingest?name=agent{a}.cpu%7Bhost%3Dh{a}%7D&from={t}&until={}&format=folded&spyName=gospy",
                        t + 10
                    );
                    let (status, _) = client.request("POST", &target, &body(&stacks, i));
                    assert_eq!(status, 200);
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    running.store(false, Ordering::Relaxed);
    let n = done.load(Ordering::Relaxed);
    let rss = server.status("VmHWM:");
    let (journal, tables) = du(dir);
    let shutdown = server.stop();
    let (journal_after, tables_after) = du(dir);
    println!(
        "agents: {AGENTS} agents for {AGENT_SECONDS} s: {n} uploads = {:.0} uploads/s, peak RSS {:.0} MB, peak journal {:.0} MB; before shutdown journal {:.0} MB, tables {:.0} MB; after SIGTERM ({:.2} s) journal {:.0} MB, tables {:.0} MB",
        n as f64 / AGENT_SECONDS as f64,
        rss as f64 / 1e6,
        peak_journal.load(Ordering::Relaxed) as f64 / 1e6,
        journal as f64 / 1e6,
        tables as f64 / 1e6,
        shutdown.as_secs_f64(),
        journal_after as f64 / 1e6,
        tables_after as f64 / 1e6,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let bin = PathBuf::from(std::env::var("CINDER_BIN").unwrap_or_else(|_| {
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        format!("{target}/release/cinder")
    }));
    let days: i64 = std::env::var("BENCH_STORE_DAYS")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(365);
    let tmp = tempfile::tempdir().unwrap();
    // BENCH_STORE_DIR keeps the seeded data directory for a look afterwards.
    let dir =
        std::env::var_os("BENCH_STORE_DIR").map_or_else(|| tmp.path().join("data"), PathBuf::from);
    let stacks = Arc::new(stacks());
    let now = now();
    let times = Arc::new(schedule(now, days));
    let uploads = times.len();
    let samples = uploads as u64 * SAMPLES;
    let folded = body(&stacks, 0).len();
    println!(
        "workload: {uploads} folded uploads ({days} d every 10 min + 1 d every 10 s), {STACKS} stacks, {SAMPLES} samples, ~{folded} B each = {samples} samples; binary {}",
        bin.display()
    );
    let server = Server::start(&bin, &dir);
    seed(&server, &dir, &stacks, &times);
    let (journal_before, tables_before) = du(&dir);
    let shutdown = server.stop();
    let (journal, tables) = du(&dir);
    let gz = gzip_size(&stacks, uploads);
    let per = |b: u64| b as f64 / samples as f64;
    println!("| data dir | MB | B/sample |");
    println!("|---|---|---|");
    println!(
        "| before SIGTERM: journal | {:.1} | {:.2} |",
        journal_before as f64 / 1e6,
        per(journal_before)
    );
    println!(
        "| before SIGTERM: tables | {:.1} | {:.2} |",
        tables_before as f64 / 1e6,
        per(tables_before)
    );
    println!(
        "| after SIGTERM ({:.2} s): journal | {:.1} | {:.2} |",
        shutdown.as_secs_f64(),
        journal as f64 / 1e6,
        per(journal)
    );
    println!(
        "| after SIGTERM: tables | {:.1} | {:.2} |",
        tables as f64 / 1e6,
        per(tables)
    );
    println!(
        "| after SIGTERM: total | {:.1} | {:.2} |",
        (journal + tables) as f64 / 1e6,
        per(journal + tables)
    );
    println!(
        "| gzip of every upload (each gzipped alone) | {:.1} | {:.2} |",
        gz as f64 / 1e6,
        per(gz)
    );
    println!(
        "store / gzip of the uploads: {:.2}; folded text uploaded: {:.0} MB",
        (journal + tables) as f64 / gz as f64,
        (folded * uploads) as f64 / 1e6
    );
    renders(&bin, &dir, now);
    let (journal, tables) = du(&dir);
    println!(
        "after the render restarts: journal {:.1} MB, tables {:.1} MB",
        journal as f64 / 1e6,
        tables as f64 / 1e6
    );
    agents(&bin, &dir, &stacks);
}
