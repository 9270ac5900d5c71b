//! The one error type of the API layer, rendered once by the components that show errors.

use std::fmt;

/// Why a request to the server failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No HTTP answer at all (server down, network error, CORS).
    Network(String),
    /// The server answered with a non-success status; the message is its reason.
    Status(u16, String),
    /// The server answered 2xx with a body we could not read.
    Decode(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "network error: {e}"),
            ApiError::Status(code, msg) if msg.is_empty() => write!(f, "HTTP {code}"),
            ApiError::Status(code, msg) => write!(f, "HTTP {code}: {msg}"),
            ApiError::Decode(e) => write!(f, "unreadable response: {e}"),
        }
    }
}

impl std::error::Error for ApiError {}

/// Extracts a human message from an error body, as the original UI does: a JSON
/// `errors` array, then `error`, then `message`, else the text itself.
#[must_use]
pub fn reason_from_body(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        if let Some(errs) = v.get("errors").and_then(|e| e.as_array()) {
            let msgs: Vec<&str> = errs.iter().filter_map(|e| e.as_str()).collect();
            if !msgs.is_empty() {
                return msgs.join("; ");
            }
        }
        for key in ["error", "message"] {
            if let Some(s) = v.get(key).and_then(|e| e.as_str()) {
                return s.to_string();
            }
        }
    }
    body.trim().chars().take(300).collect()
}
