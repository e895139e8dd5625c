//! Responses for applied faults: injected errors, dropped connections and truncated
//! bodies.

use std::collections::HashSet;
use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use futures::stream;

use crate::clock::Clock;
use crate::conn::KillSwitch;
use crate::envelope::{ApiError, ErrorCode};
use crate::faults::{Fault, FaultAction};
use crate::jwt::Flavor;

/// Time between sending the partial body of a truncated response and closing the
/// connection. It gives the server time to flush the partial bytes to the socket.
const TRUNCATE_CLOSE_DELAY: Duration = Duration::from_millis(100);

/// Outcome of an applied fault, after its delay.
#[derive(Debug)]
pub enum FaultOutcome {
    /// Send this response.
    Respond(Response),
    /// Process the request as if no fault were queued.
    AnswerNormally,
    /// Close the connection without a response.
    DropConnection,
    /// Send the normal response cut short.
    TruncateBody,
}

/// Waits for the fault's delay and decides the outcome.
pub async fn apply(fault: &Fault, flavor: Flavor, clock: &Clock) -> FaultOutcome {
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }

    match &fault.action {
        FaultAction::Respond {
            status,
            headers,
            body,
        } => FaultOutcome::Respond(respond(flavor, clock, *status, headers, body.as_deref())),
        FaultAction::Delay => FaultOutcome::AnswerNormally,
        FaultAction::DropConnection => FaultOutcome::DropConnection,
        FaultAction::TruncateBody => FaultOutcome::TruncateBody,
    }
}

/// Builds the response of a `Respond` fault.
fn respond(
    flavor: Flavor,
    clock: &Clock,
    status: u16,
    headers: &[(String, String)],
    body: Option<&str>,
) -> Response {
    let Some(status) = StatusCode::from_u16(status)
        .ok()
        .filter(|code| code.as_u16() >= 200)
    else {
        let detail = format!(
            "the queued fault has the invalid status {status}; push a fault with a status from 200 to 599"
        );
        let error = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::UnableToFulfilRequest,
            detail,
        );
        return error.into_token_error(flavor, clock);
    };

    let mut response = match body {
        Some(body) => body_response(status, body),
        None if status.as_u16() >= 400 => {
            let code = ErrorCode::for_status(status);
            let detail = format!("{} (fault injected by the emulator)", code.title());
            ApiError::new(status, code, detail).into_token_error(flavor, clock)
        }
        None => status.into_response(),
    };
    add_headers(&mut response, headers);
    response
}

/// Returns a response with `body`, labelled JSON when it parses as JSON.
fn body_response(status: StatusCode, body: &str) -> Response {
    let content_type = if serde_json::from_str::<serde_json::Value>(body).is_ok() {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };

    let headers = [(CONTENT_TYPE, HeaderValue::from_static(content_type))];
    (status, headers, body.to_owned()).into_response()
}

/// Adds the fault's headers. The first value of a name replaces the default one, and
/// later values of the same name are appended.
fn add_headers(response: &mut Response, headers: &[(String, String)]) {
    let mut replaced = HashSet::new();

    for (name, value) in headers {
        let parsed = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        );
        let (Ok(name), Ok(value)) = parsed else {
            tracing::warn!(header = %name, "emulator fault header is invalid and was skipped");
            continue;
        };

        if replaced.insert(name.clone()) {
            response.headers_mut().insert(name, value);
        } else {
            response.headers_mut().append(name, value);
        }
    }
}

/// Trips the connection's kill switch, so the returned placeholder is never sent.
pub fn drop_connection(switch: Option<KillSwitch>) -> Response {
    match switch {
        Some(switch) => switch.trip(),
        None => tracing::warn!("emulator connection has no kill switch; sending a 500"),
    }
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// Rewrites `response` to announce its full length but send only the first half of
/// its body, then close the connection.
pub async fn truncate(response: Response, switch: Option<KillSwitch>) -> Response {
    let (mut parts, body) = response.into_parts();
    let full_body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();

    // An empty body still announces one byte, so that the response is always short.
    let announced_length = full_body.len().max(1);
    let partial = full_body.slice(..full_body.len() / 2);
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(announced_length));

    let close = async move {
        tokio::time::sleep(TRUNCATE_CLOSE_DELAY).await;
        if let Some(switch) = switch {
            switch.trip();
        }
        Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "body truncated by an emulator fault",
        ))
    };
    let chunks =
        stream::once(async move { Ok::<Bytes, io::Error>(partial) }).chain(stream::once(close));
    Response::from_parts(parts, Body::from_stream(chunks))
}
