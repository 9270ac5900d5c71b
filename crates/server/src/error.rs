//! The server's one error type, rendered once in [`IntoResponse`]. Two wire styles follow
//! the original (spec §1.2): data handlers answer `text/plain` lines such as
//! `invalid parameter: "label parameter is required"`, the `/api` handlers answer
//! `{"errors":["…"]}`. Internal causes are logged here and never sent to clients.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A query parameter is missing or malformed (400, text).
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// The request body could not be parsed (422, text; 400 for pprof on the push endpoint).
    #[error("error happened while parsing request body: {0}")]
    BadBody(String),
    /// The body, or what it decompresses to, is over the configured limit (413).
    #[error("request body too large: {0}")]
    TooLarge(String),
    /// A validation error of an `/api` route (400, JSON).
    #[error("{0}")]
    ApiBadRequest(String),
    /// Validation errors of an `/api` route, all reported at once (400, JSON).
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// No valid identity where one is needed (401, JSON; the message is always the same).
    #[error("invalid credentials")]
    Unauthorized,
    /// An identity without the role the route needs (403, JSON).
    #[error("permission denied")]
    Forbidden,
    /// A session cookie used from another site (403, JSON).
    #[error("cross-origin request refused")]
    CrossOrigin,
    /// Too many failed logins from this client or for this user name (429, JSON, with
    /// `Retry-After`).
    #[error("too many failed login attempts, try again in {retry_after} s")]
    TooManyRequests {
        /// Seconds until the next attempt may succeed.
        retry_after: u64,
    },
    /// Not found (404, JSON).
    #[error("{0}")]
    NotFound(String),
    /// The method is not allowed on this route (405, text).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The store failed (500; the cause is logged, not sent).
    #[error("failed to retrieve data")]
    Store(#[from] StoreError),
    /// Storing an upload failed (500; the cause is logged, not sent).
    #[error("error happened while ingesting data")]
    Ingest(String),
    /// An unexpected failure, such as a panicked blocking task (500; logged, not sent).
    #[error("internal error")]
    Internal(String),
    /// The write queue is gone (server shutting down) (503).
    #[error("server is shutting down")]
    Unavailable,
    /// Uploads in flight hold the whole upload memory budget (503, text, with
    /// `Retry-After`).
    #[error("the server is busy with other uploads, retry later")]
    Busy {
        /// Seconds the client should wait.
        retry_after: u64,
    },
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::InvalidParameter(_) | AppError::ApiBadRequest(_) | AppError::Invalid(_) => {
                StatusCode::BAD_REQUEST
            }
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CrossOrigin => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadBody(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Store(_) | AppError::Ingest(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            AppError::Unavailable | AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// Go's `%q`: the message in double quotes with `"` and `\` escaped.
fn go_quote(s: &str) -> String {
    format!("{s:?}")
}

/// `{"errors":["…"]}`, the `/api` error body.
fn json_errors(status: StatusCode, msgs: &[&str]) -> Response {
    let body = serde_json::json!({ "errors": msgs }).to_string();
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn text(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            AppError::InvalidParameter(m) => {
                text(status, format!("invalid parameter: {}\n", go_quote(m)))
            }
            AppError::BadBody(m) => text(
                status,
                format!(
                    "error happened while parsing request body: {}\n",
                    go_quote(m)
                ),
            ),
            AppError::TooLarge(m) => {
                text(status, format!("request body too large: {}\n", go_quote(m)))
            }
            AppError::MethodNotAllowed => text(status, "method not allowed\n".to_string()),
            AppError::ApiBadRequest(m) | AppError::NotFound(m) => json_errors(status, &[m]),
            AppError::Invalid(msgs) => {
                let msgs: Vec<&str> = msgs.iter().map(String::as_str).collect();
                json_errors(status, &msgs)
            }
            AppError::Unauthorized | AppError::Forbidden | AppError::CrossOrigin => {
                json_errors(status, &[&self.to_string()])
            }
            AppError::TooManyRequests { retry_after } => {
                let mut resp = json_errors(status, &[&self.to_string()]);
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
                resp
            }
            AppError::Store(e) => {
                tracing::error!(error = %e, "storage failure");
                text(
                    status,
                    format!(
                        "failed to retrieve data: {}\n",
                        go_quote("internal storage error")
                    ),
                )
            }
            AppError::Ingest(e) => {
                tracing::error!(error = %e, "ingestion storage failure");
                text(
                    status,
                    format!(
                        "error happened while ingesting data: {}\n",
                        go_quote("storage error")
                    ),
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                text(status, String::new())
            }
            AppError::Unavailable => text(status, String::new()),
            AppError::Busy { retry_after } => {
                let mut resp = text(status, format!("{self}\n"));
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
                resp
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_errors_quote_like_go() {
        assert_eq!(go_quote(r#"say "hi"\n"#), r#""say \"hi\"\\n""#);
    }

    #[test]
    fn statuses_follow_the_original() {
        assert_eq!(AppError::InvalidParameter("x".into()).status(), 400);
        assert_eq!(AppError::BadBody("x".into()).status(), 422);
        assert_eq!(AppError::TooLarge("x".into()).status(), 413);
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        let busy = AppError::Busy { retry_after: 5 }.into_response();
        assert_eq!(busy.status(), 503);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "5");
    }
}
