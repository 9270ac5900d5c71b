//! Command-line and environment configuration. Flags keep the original Pyroscope server's
//! names (`--api-bind-addr`, `--storage-path`) and env vars (`PYROSCOPE_*`), so existing
//! deployment scripts work unchanged. [`ServerArgs`] is what the user typed; [`Config`] is
//! the validated, resolved form the rest of the server reads.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Cinder: continuous profiling, compatible with Pyroscope agents and its HTTP API.
#[derive(Debug, Parser)]
#[command(name = "cinder", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The binary's subcommands (as in the original, `server` runs the server).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: ingestion, storage, query API and the web app.
    Server(ServerArgs),
}

/// Flags of `cinder server`, as typed.
#[derive(Debug, Args, Clone)]
pub struct ServerArgs {
    /// Address to listen on: `:PORT` (all interfaces), `HOST:PORT` or `IP:PORT`.
    #[arg(long, env = "PYROSCOPE_API_BIND_ADDR", default_value = ":4040")]
    pub api_bind_addr: String,

    /// Directory where profiles, users and keys are stored (created if missing).
    #[arg(long, env = "PYROSCOPE_STORAGE_PATH", default_value = "./data")]
    pub storage_path: PathBuf,

    /// Serve the web app from this directory instead of the copy embedded in the binary
    /// (a Trunk `dist/` folder). Useful during development and in tests.
    #[arg(long, env = "CINDER_UI_DIR")]
    pub ui_dir: Option<PathBuf>,

    /// Log filter in `tracing` syntax, e.g. `info` or `cinder_server=debug`.
    #[arg(long, env = "PYROSCOPE_LOG_LEVEL", default_value = "info")]
    pub log_level: String,
}

/// A configuration error, reported before the server starts.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The bind address could not be understood.
    #[error("invalid --api-bind-addr {0:?}: expected :PORT, HOST:PORT or IP:PORT")]
    BindAddr(String),
}

/// Validated server configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Socket address to listen on.
    pub bind: SocketAddr,
    /// Root of the on-disk store.
    pub storage_path: PathBuf,
    /// Where the web app's files come from.
    pub ui_dir: Option<PathBuf>,
}

impl ServerArgs {
    /// Validates and resolves the flags.
    pub fn resolve(&self) -> Result<Config, ConfigError> {
        Ok(Config {
            bind: parse_bind_addr(&self.api_bind_addr)?,
            storage_path: self.storage_path.clone(),
            ui_dir: self.ui_dir.clone(),
        })
    }
}

/// Parses Go-style listen addresses: `:4040` means every interface, `localhost:4040` is
/// resolved to the loopback address.
pub fn parse_bind_addr(s: &str) -> Result<SocketAddr, ConfigError> {
    let err = || ConfigError::BindAddr(s.to_string());
    let (host, port) = s.rsplit_once(':').ok_or_else(err)?;
    let port: u16 = port.parse().map_err(|_| err())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip = match host {
        "" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        h => h.parse().map_err(|_| err())?,
    };
    Ok(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_addr_accepts_go_style_forms() {
        assert_eq!(
            parse_bind_addr(":4040").unwrap().to_string(),
            "0.0.0.0:4040"
        );
        assert_eq!(
            parse_bind_addr("127.0.0.1:80").unwrap().to_string(),
            "127.0.0.1:80"
        );
        assert_eq!(
            parse_bind_addr("localhost:1").unwrap().to_string(),
            "127.0.0.1:1"
        );
        assert_eq!(parse_bind_addr("[::1]:9").unwrap().to_string(), "[::1]:9");
    }

    #[test]
    fn bind_addr_rejects_garbage() {
        for bad in ["4040", ":http", "host.example:1", ":70000"] {
            assert!(parse_bind_addr(bad).is_err(), "{bad}");
        }
    }
}
