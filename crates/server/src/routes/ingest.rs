//! `POST /ingest` (and `/pyroscope/ingest`) and `POST /push.v1.PusherService/Push`: parse
//! and validate the upload completely, then store it durably, then answer 200 with an
//! empty body. A bad upload gets its 4xx and stores nothing.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::ingest::body::decode_content_encoding;
use crate::ingest::params::{BodyFormat, IngestParams};
use crate::ingest::{formats, push};
use crate::AppState;

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `POST /ingest`.
pub async fn ingest(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let params = IngestParams::parse(&q, state.now())?;
    let limits = state.limits();
    let body = decode_content_encoding(
        header_str(&headers, header::CONTENT_ENCODING),
        body,
        limits.max_decompressed,
    )?;
    let content_type = header_str(&headers, header::CONTENT_TYPE).unwrap_or("");
    let format = BodyFormat::choose(&params.format, content_type)?;
    let writes = formats::writes_for(&params, format, content_type, body, &limits).await?;
    let writes = state.within_retention(writes);
    state.queue().write(writes).await?;
    Ok(StatusCode::OK)
}

/// `POST /push.v1.PusherService/Push` (Connect unary, `application/proto`).
pub async fn push(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match push_inner(&state, &headers, body).await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/proto")],
        )
            .into_response(),
        Err(e) => connect_error(e),
    }
}

async fn push_inner(state: &AppState, headers: &HeaderMap, body: Bytes) -> Result<(), AppError> {
    let limits = state.limits();
    let body = decode_content_encoding(
        header_str(headers, header::CONTENT_ENCODING),
        body,
        limits.max_decompressed,
    )?;
    let writes = push::writes_for(&body, &limits, state.now())?;
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
        AppError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    };
    if let AppError::Ingest(cause) = &e {
        tracing::error!(error = %cause, "push storage failure");
    }
    let body = serde_json::json!({ "code": code, "message": e.to_string() }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
