//! The real `cinder` executable's configuration surface: `server --help` lists every
//! option of the table, `config print` merges the layers and redacts secrets, a bad config
//! file stops startup with the key and line, `--log-format json` writes JSON lines, and
//! `healthcheck` tells a serving server from a missing one.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cinder_server::config::options::{Kind, OPTIONS};

use crate::support::free_port;

const BIN: &str = env!("CARGO_BIN_EXE_cinder");

fn cinder(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).env_remove("PYROSCOPE_CONFIG");
    c
}

#[test]
fn server_help_lists_every_option_with_its_env_var_and_default() {
    let out = cinder(&["server", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for o in OPTIONS
        .iter()
        .filter(|o| !matches!(o.kind, Kind::Hidden(_)))
    {
        assert!(
            help.contains(&format!("--{}", o.key)),
            "{} in:\n{help}",
            o.key
        );
        assert!(help.contains(&o.env_name()), "{} in:\n{help}", o.env_name());
        if let Some(d) = o.default {
            assert!(
                help.contains(&format!("[default: {d}]")),
                "{} default",
                o.key
            );
        }
    }
    for needle in [
        "--config",
        "PYROSCOPE_CONFIG",
        "flag wins over the environment",
    ] {
        assert!(help.contains(needle), "{needle} in:\n{help}");
    }
}

#[test]
fn config_print_merges_the_layers_and_redacts_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.yml");
    std::fs::write(
        &file,
        "log-level: debug\nretention: 7d\nauth:\n  jwt-secret: file-secret-123\n",
    )
    .unwrap();
    let out = cinder(&["config", "print", "--retention", "30d"])
        .arg("--config")
        .arg(&file)
        .env("PYROSCOPE_AUTH_INTERNAL_ADMIN_PASSWORD", "env-password-456")
        .env("PYROSCOPE_AUTH_INTERNAL_ENABLED", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    for line in [
        "log-level: debug",
        "retention: 30days",
        "  jwt-secret: <redacted>",
        "      password: <redacted>",
        "    enabled: true",
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line:?} in:\n{stdout}");
    }
    assert!(
        !stdout.contains("file-secret-123") && !stdout.contains("env-password-456"),
        "{stdout}"
    );
}

#[test]
fn a_bad_config_file_stops_startup_naming_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.yml");
    std::fs::write(&file, "storage-path: ./x\napi-bind-adr: ':1'\n").unwrap();
    let (status, err) = exits_soon(cinder(&["server"]).env("PYROSCOPE_CONFIG", &file));
    assert!(!status.success());
    assert!(
        err.contains("api-bind-adr") && err.contains("line 2"),
        "{err}"
    );
    let (status, err) = exits_soon(&mut cinder(&[
        "server",
        "--config",
        "/nonexistent/server.yml",
    ]));
    assert!(!status.success());
    assert!(err.contains("/nonexistent/server.yml"), "{err}");
}

/// Runs a command that must exit by itself: its status and standard error. A server that
/// starts instead is killed and the test fails, rather than waiting forever.
fn exits_soon(cmd: &mut Command) -> (std::process::ExitStatus, String) {
    let mut server = Server(
        cmd.stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the command did not exit: it should have refused to start"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status, err)
}

/// A running `cinder` that is killed when the test ends, passed or failed.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn healthz(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split_whitespace().nth(1) == Some("200")
}

#[test]
fn json_logs_are_one_json_object_per_line_and_healthcheck_sees_the_server() {
    let storage = tempfile::tempdir().unwrap();
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    assert!(
        !cinder(&["healthcheck", "--api-bind-addr", &bind])
            .output()
            .unwrap()
            .status
            .success(),
        "healthy before the server started"
    );
    let mut server = Server(
        cinder(&["server", "--api-bind-addr", &bind, "--no-self-profiling"])
            .arg("--storage-path")
            .arg(storage.path())
            .env("PYROSCOPE_LOG_FORMAT", "json")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let child = &mut server.0;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !healthz(port) {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let check = cinder(&["healthcheck"])
        .env("PYROSCOPE_API_BIND_ADDR", &bind)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    assert!(child.wait().unwrap().success());
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    let records: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let listening = records
        .iter()
        .find(|r| r["fields"]["message"] == "cinder server listening")
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert_eq!(listening["level"], "INFO");
    assert_eq!(listening["fields"]["addr"], bind.as_str());
    assert!(listening["timestamp"].is_string());
}
