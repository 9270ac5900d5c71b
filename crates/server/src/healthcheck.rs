//! `cinder healthcheck`: the client side of `/healthz`, for container `HEALTHCHECK`s (slim
//! runtime images have no curl). One plain HTTP/1.0 request over loopback when the server
//! listens on every interface; success is a `200` status line.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// Why the server is not healthy.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    /// No connection, or no complete answer in time.
    #[error("{addr}: {source}")]
    Io {
        /// Where we asked.
        addr: SocketAddr,
        /// What failed.
        source: std::io::Error,
    },
    /// The server answered something other than 200.
    #[error("{addr}: /healthz answered {status:?}")]
    Status {
        /// Where we asked.
        addr: SocketAddr,
        /// The status line.
        status: String,
    },
}

/// The address to ask for a server bound to `bind`: its own, or loopback for a wildcard.
#[must_use]
pub fn target(bind: SocketAddr) -> SocketAddr {
    let ip = match bind.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bind.port())
}

/// `GET /healthz` on the server bound to `bind`, within `timeout` per step.
pub fn check(bind: SocketAddr, timeout: Duration) -> Result<(), HealthError> {
    let addr = target(bind);
    let io = |source| HealthError::Io { addr, source };
    let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(io)?;
    s.set_read_timeout(Some(timeout)).map_err(io)?;
    s.set_write_timeout(Some(timeout)).map_err(io)?;
    s.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .map_err(io)?;
    let mut head = Vec::new();
    s.take(4096).read_to_end(&mut head).map_err(io)?;
    let status = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    if status.split_whitespace().nth(1) == Some("200") {
        Ok(())
    } else {
        Err(HealthError::Status { addr, status })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_asked_over_loopback() {
        let t = |s: &str| target(s.parse().unwrap()).to_string();
        assert_eq!(t("0.0.0.0:4040"), "127.0.0.1:4040");
        assert_eq!(t("[::]:80"), "[::1]:80");
        assert_eq!(t("10.1.2.3:9"), "10.1.2.3:9");
    }

    #[test]
    fn a_closed_port_is_unhealthy() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        // The listener is dropped: nothing listens there any more.
        assert!(check(port, Duration::from_secs(2)).is_err());
    }
}
