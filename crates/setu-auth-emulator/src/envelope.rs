//! Error bodies in the shapes that Setu's OpenAPI documents define.
//!
//! The v2 token endpoint and the sample endpoint use the Setu envelope
//! `{status, success, error: {code, title, detail, docURL, traceID, errors}}`. The
//! login endpoint uses the account aggregator's `ErrorResponse`
//! `{ver, timestamp, txnid, errorCode, errorMsg}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::clock::Clock;
use crate::jwt::Flavor;
use crate::random;

/// Documentation page that every error's `docURL` points to: Setu's page on generating
/// tokens, which lists the token endpoints and their errors.
pub const DOC_URL: &str = "https://docs.setu.co/dev-tools/bridge/v1/generate-token";

/// Version string in login error bodies.
const LOGIN_ERROR_VERSION: &str = "1.0";

/// Setu error code, from Setu's published lists of generic and API-specific codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// `bad-request`: the body is not JSON, not an object or too large.
    BadRequest,
    /// `invalid-param`: a field is missing, of the wrong type or has a wrong value.
    InvalidParam,
    /// `header-not-found`: a required header is missing.
    HeaderNotFound,
    /// `invalid-api-key`: the clientID and secret do not match a usable key.
    InvalidApiKey,
    /// `method-not-allowed`: the endpoint does not support the HTTP method.
    MethodNotAllowed,
    /// `path-not-found`: no endpoint has this path.
    PathNotFound,
    /// `unauthorised`: generic 401.
    Unauthorised,
    /// `forbidden`: generic 403.
    Forbidden,
    /// `jwt-verification-failed`: the bearer token is missing, invalid or revoked.
    JwtVerificationFailed,
    /// `jwt-token-expired`: the bearer token has expired.
    JwtTokenExpired,
    /// `request-not-authorised`: the key lacks access to the product instance.
    RequestNotAuthorised,
    /// `too-many-requests`: rate limited.
    TooManyRequests,
    /// `unable-to-fulfil-request`: generic 500.
    UnableToFulfilRequest,
    /// `bad-gateway`: 502.
    BadGateway,
    /// `service-unavailable`: 503.
    ServiceUnavailable,
    /// `gateway-timeout`: 504.
    GatewayTimeout,
}

impl ErrorCode {
    /// Returns the code as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad-request",
            Self::InvalidParam => "invalid-param",
            Self::HeaderNotFound => "header-not-found",
            Self::InvalidApiKey => "invalid-api-key",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::PathNotFound => "path-not-found",
            Self::Unauthorised => "unauthorised",
            Self::Forbidden => "forbidden",
            Self::JwtVerificationFailed => "jwt-verification-failed",
            Self::JwtTokenExpired => "jwt-token-expired",
            Self::RequestNotAuthorised => "request-not-authorised",
            Self::TooManyRequests => "too-many-requests",
            Self::UnableToFulfilRequest => "unable-to-fulfil-request",
            Self::BadGateway => "bad-gateway",
            Self::ServiceUnavailable => "service-unavailable",
            Self::GatewayTimeout => "gateway-timeout",
        }
    }

    /// Returns the short summary for the envelope's `title`.
    pub fn title(self) -> &'static str {
        match self {
            Self::BadRequest => "Bad request",
            Self::InvalidParam => "Invalid parameter",
            Self::HeaderNotFound => "Header not found",
            Self::InvalidApiKey => "Invalid API key",
            Self::MethodNotAllowed => "Method not allowed",
            Self::PathNotFound => "Path not found",
            Self::Unauthorised => "Unauthorised",
            Self::Forbidden => "Forbidden",
            Self::JwtVerificationFailed => "JWT verification failed",
            Self::JwtTokenExpired => "JWT token expired",
            Self::RequestNotAuthorised => "Request not authorised",
            Self::TooManyRequests => "Too many requests",
            Self::UnableToFulfilRequest => "Unable to fulfil request",
            Self::BadGateway => "Bad gateway",
            Self::ServiceUnavailable => "Service unavailable",
            Self::GatewayTimeout => "Gateway timeout",
        }
    }

    /// Returns the generic code for an error status, for faults without a body.
    pub fn for_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => Self::Unauthorised,
            403 => Self::Forbidden,
            404 => Self::PathNotFound,
            405 => Self::MethodNotAllowed,
            429 => Self::TooManyRequests,
            502 => Self::BadGateway,
            503 => Self::ServiceUnavailable,
            504 => Self::GatewayTimeout,
            500..=599 => Self::UnableToFulfilRequest,
            _ => Self::BadRequest,
        }
    }
}

/// Error that a handler turns into the body shape of its endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Setu error code.
    pub code: ErrorCode,
    /// Sentence for `detail` or `errorMsg`.
    pub detail: String,
}

impl ApiError {
    /// Creates an error.
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
        }
    }

    /// Creates a 400 error.
    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// Renders the error in the Setu envelope.
    pub fn into_envelope(self) -> Response {
        let body = json!({
            "status": self.status.as_u16(),
            "success": false,
            "error": {
                "code": self.code.as_str(),
                "title": self.code.title(),
                "detail": self.detail,
                "docURL": DOC_URL,
                "traceID": random::uuid_v4(),
                "errors": [],
            },
        });
        (self.status, Json(body)).into_response()
    }

    /// Renders the error in the login endpoint's `ErrorResponse` shape.
    pub fn into_login_error(self, clock: &Clock) -> Response {
        let body = json!({
            "ver": LOGIN_ERROR_VERSION,
            "timestamp": clock.rfc3339(),
            "txnid": random::uuid_v4(),
            "errorCode": self.code.as_str(),
            "errorMsg": self.detail,
        });
        (self.status, Json(body)).into_response()
    }

    /// Renders the error in the shape of the token endpoint that `flavor` names.
    pub fn into_token_error(self, flavor: Flavor, clock: &Clock) -> Response {
        match flavor {
            Flavor::V2 => self.into_envelope(),
            Flavor::Login => self.into_login_error(clock),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_map_to_generic_codes() {
        assert_eq!(
            ErrorCode::for_status(StatusCode::TOO_MANY_REQUESTS),
            ErrorCode::TooManyRequests
        );
        assert_eq!(
            ErrorCode::for_status(StatusCode::SERVICE_UNAVAILABLE),
            ErrorCode::ServiceUnavailable
        );
        assert_eq!(
            ErrorCode::for_status(StatusCode::INTERNAL_SERVER_ERROR),
            ErrorCode::UnableToFulfilRequest
        );
        assert_eq!(
            ErrorCode::for_status(StatusCode::IM_A_TEAPOT),
            ErrorCode::BadRequest
        );
    }
}
