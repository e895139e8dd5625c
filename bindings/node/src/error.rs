//! Engine errors as JavaScript errors.
//!
//! A native error's message is a marker followed by a JSON object with the error's fields.
//! The package's JavaScript entry turns it into a `SetuAuthError`; users never see the JSON.

use napi::Status;
use setu_auth::{Error, ErrorCode};

/// Prefix of a native error message that carries a serialized engine error.
const MARKER: &str = "setu-auth-error:";

/// Converts an engine error into a native error the JavaScript entry can rebuild.
pub fn to_napi(error: &Error) -> napi::Error {
    let fields = serde_json::json!({
        "code": error.code().as_str(),
        "message": error.to_string(),
        "setuCode": error.setu_code(),
        "status": error.status(),
        "traceId": error.trace_id(),
        "retryable": error.is_retryable(),
        "retryAfterMs": error.retry_after().map(|after| after.as_millis() as u64),
    });
    napi::Error::new(Status::GenericFailure, format!("{MARKER}{fields}"))
}

/// Creates a native error of kind `code` with `message`.
pub fn with_code(code: ErrorCode, message: impl Into<String>) -> napi::Error {
    to_napi(&Error::new(code, message))
}

/// Creates an `invalid_argument` error.
pub fn invalid_argument(message: impl Into<String>) -> napi::Error {
    with_code(ErrorCode::InvalidArgument, message)
}

/// Creates an `internal` error.
pub fn internal(message: impl Into<String>) -> napi::Error {
    with_code(ErrorCode::Internal, message)
}
