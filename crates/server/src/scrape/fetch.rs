//! Fetching one profile: `GET url` over HTTP/1.1 (https through rustls with Mozilla's
//! roots), within the scrape timeout, the upload body limit and the upload memory budget
//! (the body is read by ingestion's own `read_body`). Every way it can fail is a
//! [`ScrapeError`] whose text is what `/targets` shows as `lastError`.

use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body_util::Empty;
use hyper::header::{CONTENT_LENGTH, USER_AGENT};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::ScrapeError;
use crate::error::AppError;
use crate::ingest::body::read_body;
use crate::ingest::budget::Lease;

/// What scrapes present themselves as.
const AGENT: &str = concat!("cinder-scraper/", env!("CARGO_PKG_VERSION"));

/// A connection-pooling HTTP(S) client shared by every scrape. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Client")
    }
}

impl Client {
    /// A client for `http://` and `https://` URLs.
    #[must_use]
    pub fn new() -> Client {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        let inner = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(https);
        Client { inner }
    }

    /// The body of `GET url`, which must answer 200 within `timeout` with at most
    /// `max_body` bytes (taken from `lease` before they are kept).
    pub async fn get(
        &self,
        url: &str,
        timeout: Duration,
        max_body: usize,
        lease: &mut Lease,
    ) -> Result<Bytes, ScrapeError> {
        let fetch = self.get_within(url, max_body, lease);
        tokio::time::timeout(timeout, fetch)
            .await
            .map_err(|_| ScrapeError::Timeout(timeout))?
    }

    async fn get_within(
        &self,
        url: &str,
        max_body: usize,
        lease: &mut Lease,
    ) -> Result<Bytes, ScrapeError> {
        let uri: hyper::Uri = url
            .parse()
            .map_err(|e| ScrapeError::Url(format!("{url}: {e}")))?;
        let req = hyper::Request::get(uri)
            .header(USER_AGENT, AGENT)
            .body(Empty::new())
            .map_err(|e| ScrapeError::Url(format!("{url}: {e}")))?;
        let resp = self
            .inner
            .request(req)
            .await
            .map_err(|e| connect_error(&e))?;
        let status = resp.status();
        if status != hyper::StatusCode::OK {
            return Err(ScrapeError::Status(status.to_string()));
        }
        let length = resp
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        read_body(Body::new(resp.into_body()), length, max_body, lease)
            .await
            .map_err(|e| match e {
                AppError::TooLarge(m) => ScrapeError::TooLarge(m),
                AppError::Busy { .. } => ScrapeError::Busy,
                other => ScrapeError::Body(other.to_string()),
            })
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

/// The error and its causes in one line (`client error (Connect): tcp connect error:
/// Connection refused (os error 111)`).
fn connect_error(e: &hyper_util::client::legacy::Error) -> ScrapeError {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    ScrapeError::Connect(text)
}
