//! Typed calls to the server's HTTP API, one function per endpoint.

use cinder_profile::api::BuildInfo;
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

use super::error::{reason_from_body, ApiError};

/// `GET /build`: the server's version and commit.
pub async fn build_info() -> Result<BuildInfo, ApiError> {
    get_json("/build").await
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = ok_or_error(resp).await?;
    resp.json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn ok_or_error(resp: Response) -> Result<Response, ApiError> {
    if resp.ok() {
        return Ok(resp);
    }
    let body = resp.text().await.unwrap_or_default();
    Err(ApiError::Status(resp.status(), reason_from_body(&body)))
}
