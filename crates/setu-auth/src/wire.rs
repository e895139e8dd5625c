//! Setu's token endpoints on the wire: building the request and reading the response.

use std::time::{Duration, SystemTime};

use reqwest::header::{DATE, HeaderMap, RETRY_AFTER};
use serde_json::{Map, Value, json};
use url::Url;

use crate::config::Flavor;
use crate::error::{Error, ErrorCode};
use crate::lifetime::parse_expires_in;
use crate::redact::{excerpt, field};
use crate::secret::Secret;

/// Maximum token size accepted, in bytes. Setu's JWTs are well under 2 KiB.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// A token as the server sent it, before the engine decides its lifetime.
#[derive(Debug)]
pub(crate) struct RawToken {
    pub(crate) value: String,
    pub(crate) expires_in: Option<Duration>,
    pub(crate) server_date: Option<SystemTime>,
}

/// One token request: where it goes and with which key.
pub(crate) struct TokenRequest<'a> {
    pub(crate) endpoint: &'a Url,
    pub(crate) flavor: Flavor,
    pub(crate) client_id: &'a str,
    pub(crate) secret: &'a Secret,
    pub(crate) max_body_bytes: usize,
}

impl TokenRequest<'_> {
    /// Sends the request and parses the response.
    pub(crate) async fn send(&self, client: &reqwest::Client) -> Result<RawToken, Error> {
        let response = client
            .post(self.endpoint.clone())
            .headers(self.headers())
            .json(&self.body())
            .send()
            .await
            .map_err(|error| transport_error(error, "sending the token request"))?;

        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_capped(response, self.max_body_bytes, self.secret).await?;

        parse(self.flavor, status, &headers, &body, self.secret.expose())
    }

    fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if self.flavor == Flavor::Login {
            headers.insert(
                "client",
                reqwest::header::HeaderValue::from_static("bridge"),
            );
        }
        headers
    }

    fn body(&self) -> Value {
        match self.flavor {
            Flavor::V2 => json!({
                "clientID": self.client_id,
                "secret": self.secret.expose(),
            }),
            Flavor::Login => json!({
                "clientID": self.client_id,
                "secret": self.secret.expose(),
                "grant_type": "client_credentials",
            }),
        }
    }
}

async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
    secret: &Secret,
) -> Result<Vec<u8>, Error> {
    let status = response.status().as_u16();
    let mut body = Vec::new();

    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(body),
            Err(error) if error.is_timeout() => {
                let message = format!(
                    "reading the token response body timed out after {} bytes",
                    body.len()
                );
                return Err(Error::new(ErrorCode::Timeout, message)
                    .with_status(status)
                    .with_source(error.without_url()));
            }
            Err(error) => {
                let message = format!(
                    "the token response body ended early after {} bytes: {}",
                    body.len(),
                    excerpt(&body, secret.expose())
                );
                return Err(Error::new(ErrorCode::InvalidResponse, message)
                    .with_status(status)
                    .with_retryable(true)
                    .with_source(error.without_url()));
            }
        };

        if body.len() + chunk.len() > cap {
            let message = format!(
                "the token response body is larger than the {cap}-byte limit: {}",
                excerpt(&body, secret.expose())
            );
            return Err(Error::new(ErrorCode::InvalidResponse, message).with_status(status));
        }
        body.extend_from_slice(&chunk);
    }
}

/// Maps a transport failure to a typed error.
pub(crate) fn transport_error(error: reqwest::Error, doing: &str) -> Error {
    let code = if error.is_timeout() {
        ErrorCode::Timeout
    } else {
        ErrorCode::ConnectionFailed
    };
    let reason = if error.is_timeout() {
        "timed out"
    } else {
        "failed: no connection, or the connection broke"
    };
    Error::new(code, format!("{doing} {reason}")).with_source(error.without_url())
}

/// Parses a token response of either flavour.
pub(crate) fn parse(
    flavor: Flavor,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    secret: &str,
) -> Result<RawToken, Error> {
    if !(200..300).contains(&status) {
        return Err(error_response(status, headers, body, secret));
    }

    let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(body) else {
        return Err(invalid(status, "is not a JSON object", body, secret));
    };
    let has_error = root.get("error").is_some_and(|error| !error.is_null());
    if root.get("success") == Some(&Value::Bool(false)) || has_error {
        return Err(error_response(status, headers, body, secret));
    }

    let (value, expires_in) = match flavor {
        Flavor::V2 => parse_v2(&root, status, body, secret)?,
        Flavor::Login => (
            string_field(&root, "access_token", status, body, secret)?,
            None,
        ),
    };
    let server_date =
        header_str(headers, DATE.as_str()).and_then(|d| httpdate::parse_http_date(d).ok());

    Ok(RawToken {
        value,
        expires_in,
        server_date,
    })
}

fn parse_v2(
    root: &Map<String, Value>,
    status: u16,
    body: &[u8],
    secret: &str,
) -> Result<(String, Option<Duration>), Error> {
    let Some(Value::Object(data)) = root.get("data") else {
        return Err(invalid(status, "has no \"data\" object", body, secret));
    };

    let token = string_field(data, "token", status, body, secret)?;
    let expires_in = match data.get("expiresIn") {
        None | Some(Value::Null) => None,
        Some(value) => Some(parse_expires_in(value).map_err(|error| error.with_status(status))?),
    };
    Ok((token, expires_in))
}

fn string_field(
    object: &Map<String, Value>,
    field: &str,
    status: u16,
    body: &[u8],
    secret: &str,
) -> Result<String, Error> {
    let Some(Value::String(value)) = object.get(field) else {
        return Err(invalid(
            status,
            &format!("has no string field {field:?}"),
            body,
            secret,
        ));
    };
    if value.is_empty() || value.len() > MAX_TOKEN_BYTES {
        return Err(invalid(
            status,
            &format!("has an empty or oversized {field:?}"),
            body,
            secret,
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            status,
            &format!("has a {field:?} with characters not allowed in an HTTP header"),
            body,
            secret,
        ));
    }
    Ok(value.clone())
}

fn invalid(status: u16, problem: &str, body: &[u8], secret: &str) -> Error {
    let message = format!("the token response {problem}: {}", excerpt(body, secret));
    Error::new(ErrorCode::InvalidResponse, message).with_status(status)
}

/// Builds the error for a non-success response. Setu's v2 envelope is
/// `{error: {code, detail, traceID}}`; the login flavour's is `{errorCode, errorMsg, txnid}`.
fn error_response(status: u16, headers: &HeaderMap, body: &[u8], secret: &str) -> Error {
    let root = serde_json::from_slice::<Value>(body).ok();
    let fields = root.as_ref().and_then(ErrorFields::read);
    let quoted = |text: Option<&str>| text.map(|text| field(text, secret));

    let setu_code = quoted(fields.as_ref().and_then(|f| f.code));
    let trace_id = quoted(fields.as_ref().and_then(|f| f.trace_id));
    let code = classify(status, setu_code.as_deref());
    let detail = match &fields {
        Some(fields) => quoted(fields.detail).unwrap_or_else(|| "no detail given".to_owned()),
        None => format!("unexpected body: {}", excerpt(body, secret)),
    };
    let message = format!("{}: {detail}", summary(code, status));

    Error::new(code, message)
        .with_status(status)
        .with_setu_code(setu_code)
        .with_trace_id(trace_id)
        .with_retry_after(retry_after(headers))
}

/// The parts of an error body that Setu fills in, whichever flavour sent it.
struct ErrorFields<'a> {
    code: Option<&'a str>,
    detail: Option<&'a str>,
    trace_id: Option<&'a str>,
}

impl<'a> ErrorFields<'a> {
    fn read(root: &'a Value) -> Option<Self> {
        let text = |object: &'a Value, name: &str| object.get(name).and_then(Value::as_str);

        if let Some(error) = root.get("error").filter(|error| error.is_object()) {
            return Some(Self {
                code: text(error, "code"),
                detail: text(error, "detail").or_else(|| text(error, "title")),
                trace_id: text(error, "traceID"),
            });
        }
        if root.get("errorCode").is_some() || root.get("errorMsg").is_some() {
            return Some(Self {
                code: text(root, "errorCode"),
                detail: text(root, "errorMsg"),
                trace_id: text(root, "txnid"),
            });
        }
        None
    }
}

fn classify(status: u16, setu_code: Option<&str>) -> ErrorCode {
    match (status, setu_code) {
        (_, Some("invalid-api-key")) | (401, _) => ErrorCode::InvalidCredentials,
        (403, _) => ErrorCode::AccessDenied,
        (408, _) => ErrorCode::Timeout,
        (429, _) => ErrorCode::RateLimited,
        (500..=599, _) => ErrorCode::ServerError,
        (400..=499, _) => ErrorCode::RequestRejected,
        _ => ErrorCode::InvalidResponse,
    }
}

fn summary(code: ErrorCode, status: u16) -> &'static str {
    if (200..300).contains(&status) {
        return "Setu reported an error for the token request";
    }
    match code {
        ErrorCode::InvalidCredentials => {
            "Setu rejected the clientID or secret; check the key, its environment and whether it was regenerated or disabled"
        }
        ErrorCode::AccessDenied => "Setu denied the token request",
        ErrorCode::Timeout => "Setu timed out the token request",
        ErrorCode::RateLimited => "Setu rate-limited the token request",
        ErrorCode::ServerError => "Setu failed to serve the token request",
        ErrorCode::RequestRejected => "Setu rejected the token request",
        _ => "Setu sent an unexpected status for the token request",
    }
}

/// Reads `Retry-After` as seconds; an HTTP date is measured against the response's `Date`.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_str(headers, RETRY_AFTER.as_str())?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }

    let until = httpdate::parse_http_date(value).ok()?;
    let now = header_str(headers, DATE.as_str()).and_then(|d| httpdate::parse_http_date(d).ok())?;
    Some(until.duration_since(now).unwrap_or_default())
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "very-secret-value";

    fn parse_v2_body(status: u16, body: &str) -> Result<RawToken, Error> {
        parse(
            Flavor::V2,
            status,
            &HeaderMap::new(),
            body.as_bytes(),
            SECRET,
        )
    }

    #[test]
    fn v2_success() {
        let raw = parse_v2_body(
            200,
            r#"{"status":200,"success":true,"data":{"expiresIn":1800,"token":"abc.def.ghi"}}"#,
        )
        .expect("parsed");

        assert_eq!(raw.value, "abc.def.ghi");
        assert_eq!(raw.expires_in, Some(Duration::from_secs(1800)));
    }

    #[test]
    fn login_success() {
        let raw = parse(
            Flavor::Login,
            200,
            &HeaderMap::new(),
            br#"{"access_token":"tok","refresh_token":"r"}"#,
            SECRET,
        )
        .expect("parsed");

        assert_eq!(raw.value, "tok");
        assert_eq!(raw.expires_in, None);
    }

    #[test]
    fn setu_envelope_becomes_typed_error() {
        let body = r#"{"status":400,"success":false,"error":{"code":"invalid-api-key","detail":"bad key","docURL":"https://docs","traceID":"t-1","errors":[]}}"#;

        let error = parse_v2_body(400, body).expect_err("error");

        assert_eq!(error.code(), ErrorCode::InvalidCredentials);
        assert_eq!(error.setu_code(), Some("invalid-api-key"));
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.trace_id(), Some("t-1"));
        assert!(!error.is_retryable());
    }

    #[test]
    fn statuses_classified() {
        let cases = [
            (401, ErrorCode::InvalidCredentials, false),
            (403, ErrorCode::AccessDenied, false),
            (404, ErrorCode::RequestRejected, false),
            (429, ErrorCode::RateLimited, true),
            (500, ErrorCode::ServerError, true),
            (503, ErrorCode::ServerError, true),
            (302, ErrorCode::InvalidResponse, true),
        ];

        for (status, code, retryable) in cases {
            let error = parse_v2_body(status, "<html>oops</html>").expect_err("error");
            assert_eq!(error.code(), code, "status {status}");
            assert_eq!(error.is_retryable(), retryable, "status {status}");
            assert_eq!(error.status(), Some(status));
        }
    }

    #[test]
    fn html_success_rejected_with_excerpt() {
        let error = parse_v2_body(200, "<html><body>Gateway</body></html>").expect_err("error");

        assert_eq!(error.code(), ErrorCode::InvalidResponse);
        assert!(error.message().contains("Gateway"), "{error}");
    }

    #[test]
    fn wrong_types_rejected() {
        let bodies = [
            r#"{"data":{"token":42,"expiresIn":1800}}"#,
            r#"{"data":{"token":"","expiresIn":1800}}"#,
            r#"{"data":"nope"}"#,
            r#"[1,2]"#,
            r#"{"data":{"token":"a b","expiresIn":1800}}"#,
            r#"{"data":{"token":"abc","#,
        ];

        for body in bodies {
            let error = parse_v2_body(200, body).expect_err(body);
            assert_eq!(error.code(), ErrorCode::InvalidResponse, "{body}");
        }
    }

    #[test]
    fn bad_expires_in_rejected() {
        for expires in ["0", "-10", "\"never\"", "99999999999"] {
            let body = format!(r#"{{"data":{{"token":"abc","expiresIn":{expires}}}}}"#);
            let error = parse_v2_body(200, &body).expect_err(&body);
            assert_eq!(error.code(), ErrorCode::InvalidTokenLifetime, "{body}");
        }
    }

    #[test]
    fn errors_never_echo_tokens_or_secret() {
        let body = format!(
            r#"{{"error":{{"code":"x","detail":"you sent {SECRET} and eyJhbGciOiJSUzI1NiJ9.payloadpayloadpayload.sig"}}}}"#
        );

        let error = parse_v2_body(400, &body).expect_err("error");
        let shown = format!("{error} {error:?}");

        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("payloadpayloadpayload"), "{shown}");
    }

    #[test]
    fn login_error_shape_read() {
        let body = r#"{"ver":"1.0","timestamp":"2026-01-01T00:00:00Z","txnid":"txn-9","errorCode":"invalid-api-key","errorMsg":"bad key"}"#;

        let error = parse(
            Flavor::Login,
            400,
            &HeaderMap::new(),
            body.as_bytes(),
            SECRET,
        )
        .expect_err("error");

        assert_eq!(error.code(), ErrorCode::InvalidCredentials);
        assert_eq!(error.setu_code(), Some("invalid-api-key"));
        assert_eq!(error.trace_id(), Some("txn-9"));
        assert!(error.message().contains("bad key"), "{error}");
    }

    #[test]
    fn null_error_field_is_success() {
        let body =
            r#"{"status":200,"success":true,"error":null,"data":{"expiresIn":60,"token":"t"}}"#;

        let raw = parse_v2_body(200, body).expect("parsed");

        assert_eq!(raw.value, "t");
    }

    #[test]
    fn short_secret_keeps_setu_code() {
        let body = r#"{"error":{"code":"invalid-api-key","detail":"bad key","traceID":"t-7"}}"#;

        let error =
            parse(Flavor::V2, 400, &HeaderMap::new(), body.as_bytes(), "s3").expect_err("error");

        assert_eq!(error.code(), ErrorCode::InvalidCredentials);
        assert_eq!(error.setu_code(), Some("invalid-api-key"));
        assert_eq!(error.trace_id(), Some("t-7"));
    }

    #[test]
    fn retry_after_read() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());

        let error = parse(Flavor::V2, 429, &headers, b"{}", SECRET).expect_err("error");

        assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    }

    #[test]
    fn success_false_is_error() {
        let body = r#"{"status":200,"success":false,"error":{"code":"odd","detail":"x"}}"#;

        let error = parse_v2_body(200, body).expect_err("error");

        assert_eq!(error.setu_code(), Some("odd"));
    }
}
