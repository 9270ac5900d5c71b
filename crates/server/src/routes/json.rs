//! JSON bodies of the `/api`, login and signup routes, decoded with the original's error
//! answers (spec §1.2): an empty body is `request body required`, broken JSON is
//! `request body contains malformed JSON`, a wrong field type keeps the decoder's message;
//! all 400 `{"errors":[…]}`.

use axum::body::Bytes;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Decodes `body` as `T`.
pub(super) fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::ApiBadRequest("request body required".into()));
    }
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Eof | Category::Syntax | Category::Io => {
                AppError::ApiBadRequest("request body contains malformed JSON".into())
            }
            Category::Data => {
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg);
                AppError::ApiBadRequest(msg.to_string())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[allow(dead_code)]
        name: String,
    }

    fn err(body: &'static str) -> String {
        match parse::<Body>(&Bytes::from_static(body.as_bytes())).unwrap_err() {
            AppError::ApiBadRequest(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn body_errors_read_like_the_original() {
        assert_eq!(err(""), "request body required");
        assert_eq!(err("{\"name\":"), "request body contains malformed JSON");
        assert_eq!(
            err("{\"name\":1}"),
            "invalid type: integer `1`, expected a string"
        );
    }
}
