//! Reading and validating token request bodies and headers.

use std::fmt;

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::envelope::{ApiError, ErrorCode};
use crate::jwt::Flavor;

/// Largest accepted request body, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Header and value that the login endpoint requires.
const LOGIN_CLIENT_HEADER: (&str, &str) = ("client", "bridge");

/// Grant type that the login endpoint requires.
const LOGIN_GRANT_TYPE: &str = "client_credentials";

/// Credentials from a token request.
pub struct TokenRequest {
    /// The clientID.
    pub client_id: String,
    /// The secret. `Debug` prints it redacted.
    pub secret: String,
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("client_id", &self.client_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Reads at most [`MAX_BODY_BYTES`] of a request body.
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            let detail = format!(
                "the request body could not be read or is larger than {MAX_BODY_BYTES} bytes; \
             send a JSON object of at most {MAX_BODY_BYTES} bytes"
            );
            ApiError::bad_request(ErrorCode::BadRequest, detail)
        })
}

/// Validates a token request of `flavor` and returns its credentials.
pub fn parse(flavor: Flavor, headers: &HeaderMap, body: &[u8]) -> Result<TokenRequest, ApiError> {
    if flavor == Flavor::Login {
        check_client_header(headers)?;
    }

    let object = parse_object(flavor, body)?;
    let client_id = string_field(&object, "clientID")?;
    let secret = string_field(&object, "secret")?;

    if flavor == Flavor::Login {
        check_grant_type(&object)?;
    }
    Ok(TokenRequest { client_id, secret })
}

fn check_client_header(headers: &HeaderMap) -> Result<(), ApiError> {
    let (name, expected) = LOGIN_CLIENT_HEADER;
    let Some(value) = headers.get(name) else {
        let detail = format!("header {name} is missing; send {name}: {expected}");
        return Err(ApiError::bad_request(ErrorCode::HeaderNotFound, detail));
    };

    if value.as_bytes() == expected.as_bytes() {
        return Ok(());
    }
    let detail = format!("header {name} has another value; send {name}: {expected}");
    Err(ApiError::bad_request(ErrorCode::InvalidParam, detail))
}

fn parse_object(flavor: Flavor, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let expected = match flavor {
        Flavor::V2 => r#"{"clientID": "...", "secret": "..."}"#,
        Flavor::Login => {
            r#"{"clientID": "...", "secret": "...", "grant_type": "client_credentials"}"#
        }
    };

    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => {
            let detail = format!("the request body is not a JSON object; send {expected}");
            Err(ApiError::bad_request(ErrorCode::BadRequest, detail))
        }
        Err(error) => {
            let detail = format!("the request body is not valid JSON ({error}); send {expected}");
            Err(ApiError::bad_request(ErrorCode::BadRequest, detail))
        }
    }
}

/// Returns the non-empty string field `name`. Error details never show the value.
fn string_field(object: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    let problem = match object.get(name) {
        Some(Value::String(value)) if !value.is_empty() => return Ok(value.clone()),
        Some(Value::String(_)) => "is empty",
        Some(_) => "is not a string",
        None => "is missing",
    };

    let detail = format!("field {name} {problem}; send it as a non-empty string");
    Err(ApiError::bad_request(ErrorCode::InvalidParam, detail))
}

fn check_grant_type(object: &Map<String, Value>) -> Result<(), ApiError> {
    let problem = match object.get("grant_type") {
        Some(Value::String(value)) if value == LOGIN_GRANT_TYPE => return Ok(()),
        Some(_) => "has another value",
        None => "is missing",
    };

    let detail = format!("field grant_type {problem}; send \"{LOGIN_GRANT_TYPE}\"");
    Err(ApiError::bad_request(ErrorCode::InvalidParam, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("client", axum::http::HeaderValue::from_static("bridge"));
        headers
    }

    fn error_code(result: Result<TokenRequest, ApiError>) -> Option<ErrorCode> {
        result.err().map(|error| error.code)
    }

    #[test]
    fn v2_accepts_credentials() {
        let body = br#"{"clientID":"id","secret":"s","extra":1}"#;

        let request = parse(Flavor::V2, &HeaderMap::new(), body);

        assert_eq!(request.ok().map(|r| r.client_id), Some("id".to_owned()));
    }

    #[test]
    fn v2_rejects_bad_bodies() {
        let cases: [(&[u8], ErrorCode); 6] = [
            (b"", ErrorCode::BadRequest),
            (b"not json", ErrorCode::BadRequest),
            (b"[1,2]", ErrorCode::BadRequest),
            (br#"{"secret":"s"}"#, ErrorCode::InvalidParam),
            (br#"{"clientID":5,"secret":"s"}"#, ErrorCode::InvalidParam),
            (br#"{"clientID":"id","secret":""}"#, ErrorCode::InvalidParam),
        ];

        for (body, expected) in cases {
            let code = error_code(parse(Flavor::V2, &HeaderMap::new(), body));
            assert_eq!(
                code,
                Some(expected),
                "body {:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn login_checks_header_and_grant_type() {
        let good = br#"{"clientID":"id","secret":"s","grant_type":"client_credentials"}"#;
        let wrong_grant = br#"{"clientID":"id","secret":"s","grant_type":"password"}"#;
        let mut wrong_header = HeaderMap::new();
        wrong_header.insert("client", axum::http::HeaderValue::from_static("web"));

        assert!(parse(Flavor::Login, &login_headers(), good).is_ok());
        assert_eq!(
            error_code(parse(Flavor::Login, &HeaderMap::new(), good)),
            Some(ErrorCode::HeaderNotFound)
        );
        assert_eq!(
            error_code(parse(Flavor::Login, &wrong_header, good)),
            Some(ErrorCode::InvalidParam)
        );
        assert_eq!(
            error_code(parse(Flavor::Login, &login_headers(), wrong_grant)),
            Some(ErrorCode::InvalidParam)
        );
    }

    #[test]
    fn secret_never_appears_in_errors() {
        let body = br#"{"clientID":"id","secret":["hunter2-secret"]}"#;

        let error = parse(Flavor::V2, &HeaderMap::new(), body).err();

        assert!(error.is_some_and(|error| !error.detail.contains("hunter2")));
    }
}
