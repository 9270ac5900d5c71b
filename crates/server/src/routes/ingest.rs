//! `POST /ingest` (and `/pyroscope/ingest`) and `POST /push.v1.PusherService/Push`: read
//! the body and inflate it within the upload's share of the memory budget, parse and
//! validate it completely, then store it durably, then answer 200 with an empty body. A bad
//! upload gets its 4xx (413 when too large, 503 with `Retry-After` when the budget is
//! spent) and stores nothing.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cinder_profile::pprof;

use crate::error::AppError;
use crate::ingest::body::{decode_error, read_body};
use crate::ingest::budget::Lease;
use crate::ingest::inflate::{decode_content_encoding, inflate_if_gzip};
use crate::ingest::params::{BodyFormat, IngestParams};
use crate::ingest::{formats, push, Upload};
use crate::AppState;

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The body, read and with its Content-Encoding undone, within `lease`.
async fn body_bytes(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    lease: &mut Lease,
) -> Result<axum::body::Bytes, AppError> {
    let content_length =
        header_str(headers, header::CONTENT_LENGTH).and_then(|v| v.trim().parse().ok());
    let body = read_body(body, content_length, state.limits().max_body, lease).await?;
    decode_content_encoding(header_str(headers, header::CONTENT_ENCODING), body, lease).await
}

/// `POST /ingest`.
pub(super) async fn ingest(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, AppError> {
    let params = IngestParams::parse(&q, state.now())?;
    let limits = state.limits();
    let mut lease = state.upload_budget().lease(limits.max_decompressed);
    let body = body_bytes(&state, &headers, body, &mut lease).await?;
    let content_type = header_str(&headers, header::CONTENT_TYPE).unwrap_or("");
    let format = BodyFormat::choose(&params.format, content_type)?;
    let body = if format == BodyFormat::Multipart {
        body
    } else {
        inflate_if_gzip(body, &mut lease).await?
    };
    let payload = formats::payload_for(format, content_type, body, &mut lease).await?;
    let writes = match payload {
        Some(payload) => Upload {
            key: params.key,
            window: params.window,
            meta: params.meta,
            payload,
        }
        .writes(&limits)?,
        None => Vec::new(),
    };
    drop(lease);
    let writes = state.within_retention(writes);
    state.queue().write(writes).await?;
    Ok(StatusCode::OK)
}

/// `POST /push.v1.PusherService/Push` (Connect unary, `application/proto`).
pub(super) async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match push_inner(&state, &headers, body).await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/proto")],
        )
            .into_response(),
        Err(e) => connect_error(e),
    }
}

async fn push_inner(state: &AppState, headers: &HeaderMap, body: Body) -> Result<(), AppError> {
    let limits = state.limits();
    let mut lease = state.upload_budget().lease(limits.max_decompressed);
    let body = body_bytes(state, headers, body, &mut lease).await?;
    let body = inflate_if_gzip(body, &mut lease).await?;
    // Decoding copies every `raw_profile` out of the body, then each is inflated.
    lease.grow(body.len()).await?;
    let mut req =
        pprof::decode_push(&body, limits.max_decompressed).map_err(|e| decode_error(&e))?;
    drop(body);
    for series in &mut req.series {
        for sample in &mut series.samples {
            let raw = std::mem::take(&mut sample.raw_profile);
            sample.raw_profile = inflate_if_gzip(raw.into(), &mut lease).await?.into();
        }
    }
    let writes = push::writes_for(req, &limits, state.now())?;
    drop(lease);
    let writes = state.within_retention(writes);
    state.queue().write(writes).await
}

/// Connect clients expect `{"code","message"}` JSON errors.
fn connect_error(e: AppError) -> Response {
    let (status, code) = match &e {
        AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "resource_exhausted"),
        AppError::BadBody(_) | AppError::InvalidParameter(_) => {
            (StatusCode::BAD_REQUEST, "invalid_argument")
        }
        AppError::Unavailable | AppError::Busy { .. } => {
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    };
    if let AppError::Ingest(cause) = &e {
        tracing::error!(error = %cause, "push storage failure");
    }
    let body = serde_json::json!({ "code": code, "message": e.to_string() }).to_string();
    let mut resp = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let AppError::Busy { retry_after } = e {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    }
    resp
}
