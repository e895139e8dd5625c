//! Admin API errors and request extractors that report failures in the admin error shape.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::EmulatorError;
use crate::request::MAX_BODY_BYTES;

/// Admin API error, sent as `{"error": "<message>"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminError {
    status: StatusCode,
    message: String,
}

impl AdminError {
    /// Creates a 400 error.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// Creates a 404 error for a path that no admin endpoint has.
    pub fn not_found(path: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "no admin endpoint has the path {path}; see the crate documentation for the routes"
            ),
        }
    }

    /// Creates a 405 error.
    pub fn method_not_allowed(method: &Method) -> Self {
        Self {
            status: StatusCode::METHOD_NOT_ALLOWED,
            message: format!("method {method} is not allowed on this admin endpoint"),
        }
    }
}

impl From<EmulatorError> for AdminError {
    fn from(error: EmulatorError) -> Self {
        let status = match error {
            EmulatorError::UnknownClientId { .. } => StatusCode::NOT_FOUND,
            EmulatorError::DuplicateClientId { .. } => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            message: error.to_string(),
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

/// JSON request body of at most [`MAX_BODY_BYTES`]. An empty body reads as `{}`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AdminError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| AdminError {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                message: format!(
                    "the request body could not be read or is larger than {MAX_BODY_BYTES} bytes"
                ),
            })?;

        let text: &[u8] = if body.is_empty() { b"{}" } else { &body };
        serde_json::from_slice(text)
            .map(JsonBody)
            .map_err(|error| AdminError::bad_request(format!("invalid JSON body: {error}")))
    }
}

/// The `{client_id}` path segment.
#[derive(Debug)]
pub struct ClientIdPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIdPath {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(client_id)) => Ok(Self(client_id)),
            Err(rejection) => Err(AdminError::bad_request(format!(
                "invalid clientID in the path ({rejection}); percent-encode it as UTF-8"
            ))),
        }
    }
}
