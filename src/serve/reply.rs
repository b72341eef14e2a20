//! Answers of the API: JSON bodies, and errors as `{"error": "<one line>"}` with a 4xx status
//! (5xx only for a failure of the server itself).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::state::SharedState;

/// An error answer: a status and one line naming the field or what was expected.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    /// 400: the request is malformed or a value is out of range.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 409: the request conflicts with the server's state (a run in progress, no model yet).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 500: the server failed.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let message: String = message.into();
        // One line, whatever the source said.
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        Self { status, message }
    }

    /// A library error: the user's input (400) or a failure at run time (500).
    pub fn from_library(error: crate::Error) -> Self {
        let message = api_words(&error.to_string());
        if error.is_input_error() {
            Self::bad_request(message)
        } else {
            Self::internal(message)
        }
    }
}

/// A run's epochs as the API lists them (loss and accuracy, train and test).
pub fn epochs_json(epochs: &[crate::train::EpochMetrics]) -> serde_json::Value {
    epochs
        .iter()
        .map(|e| {
            serde_json::json!({
                "epoch": e.epoch,
                "train_loss": e.train_loss,
                "train_accuracy": e.train_accuracy,
                "test_loss": e.test_loss,
                "test_accuracy": e.test_accuracy,
            })
        })
        .collect()
}

/// The library names flags (`--batch-size: …`); the API's fields are `batch_size`.
pub fn api_words(message: &str) -> String {
    message
        .split(' ')
        .map(|word| match word.strip_prefix("--") {
            Some(flag) if !flag.is_empty() => flag.replace('-', "_"),
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "error": self.message }));
        (self.status, body).into_response()
    }
}

/// A JSON body whose rejections (not JSON, unknown field, wrong type, too large) become one
/// line with the status axum gives them (400, 413, 415, 422 → 400), and 408 for a body that
/// does not arrive in time.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<SharedState> for ApiJson<T> {
    type Rejection = ApiError;

    /// The body must arrive within the server's request time limit (408 otherwise).
    async fn from_request(request: Request, state: &SharedState) -> Result<Self, Self::Rejection> {
        let limit = state.request_timeout;
        match tokio::time::timeout(limit, Json::<T>::from_request(request, state)).await {
            Ok(Ok(Json(value))) => Ok(Self(value)),
            Ok(Err(rejection)) => Err(json_rejection(rejection)),
            Err(_) => Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} s",
                    limit.as_secs_f64()
                ),
            )),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let status = match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::BAD_REQUEST,
    };
    let text = rejection.body_text();
    let text = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(&text);
    ApiError::new(status, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_field_names() {
        assert_eq!(
            api_words("--batch-size: must be between 1 and 65,536, got 0"),
            "batch_size: must be between 1 and 65,536, got 0"
        );
        assert_eq!(api_words("a -- b"), "a -- b");
    }
}
