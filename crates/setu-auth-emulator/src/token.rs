//! The two token endpoints: `POST /api/v2/auth/token` and `POST /v1/users/login`.
//!
//! Both read the body, count the request, apply the next matching fault if one is
//! queued, and otherwise check the credentials and issue an RS256 token.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Request, State as StateExtractor};
use axum::http::header::ALLOW;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::envelope::{ApiError, ErrorCode};
use crate::fault_response::{self, FaultOutcome};
use crate::jwt::{Claims, Flavor, ISSUER};
use crate::key_store::Credentials;
use crate::random;
use crate::request::{self, TokenRequest};
use crate::state::State;

/// Length of the opaque refresh token from the login endpoint, in characters.
const REFRESH_TOKEN_LENGTH: usize = 48;

/// Handles `/api/v2/auth/token`.
pub async fn v2_token(
    StateExtractor(state): StateExtractor<Arc<State>>,
    request: Request,
) -> Response {
    token_endpoint(state, Flavor::V2, request).await
}

/// Handles `/v1/users/login`.
pub async fn login_token(
    StateExtractor(state): StateExtractor<Arc<State>>,
    request: Request,
) -> Response {
    token_endpoint(state, Flavor::Login, request).await
}

async fn token_endpoint(state: Arc<State>, flavor: Flavor, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = request::read_body(body).await;
    state.counters.token_request(flavor == Flavor::Login);

    if parts.method != Method::POST {
        state.counters.token_outcome(false);
        return method_not_allowed(&state, flavor, &parts.method);
    }

    let outcome = match state.take_fault(flavor) {
        Some(fault) => {
            state.counters.fault_applied();
            fault_response::apply(&fault, flavor, &state.clock).await
        }
        None => FaultOutcome::AnswerNormally,
    };

    let switch = parts.extensions.get().cloned();
    let (response, success) = match outcome {
        FaultOutcome::Respond(response) => {
            let success = response.status().is_success();
            (response, success)
        }
        FaultOutcome::AnswerNormally => {
            let response = answer(&state, flavor, &parts.headers, body);
            let success = response.status().is_success();
            (response, success)
        }
        FaultOutcome::DropConnection => (fault_response::drop_connection(switch), false),
        FaultOutcome::TruncateBody => {
            let response = answer(&state, flavor, &parts.headers, body);
            (fault_response::truncate(response, switch).await, false)
        }
    };

    state.counters.token_outcome(success);
    response
}

fn method_not_allowed(state: &State, flavor: Flavor, method: &Method) -> Response {
    let detail = format!("method {method} is not allowed on this endpoint; use POST");
    let error = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        detail,
    );

    let mut response = error.into_token_error(flavor, &state.clock);
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static("POST"));
    response
}

/// Handles a token request without faults: parses it, checks the credentials and
/// issues a token.
fn answer(
    state: &State,
    flavor: Flavor,
    headers: &HeaderMap,
    body: Result<Bytes, ApiError>,
) -> Response {
    let result = body
        .and_then(|body| request::parse(flavor, headers, &body))
        .and_then(|request| issue(state, flavor, &request));

    match result {
        Ok(response) => response,
        Err(error) => {
            tracing::debug!(
                code = error.code.as_str(),
                "emulator rejected a token request"
            );
            error.into_token_error(flavor, &state.clock)
        }
    }
}

/// Checks the credentials and returns the success response with a new token.
fn issue(state: &State, flavor: Flavor, request: &TokenRequest) -> Result<Response, ApiError> {
    let (claims, lifetime) = claims_for(state, flavor, request)?;
    let token = state.signer.sign(&claims);
    tracing::debug!(client_id = %claims.client_id, ?flavor, "emulator issued a token");

    let body = match flavor {
        Flavor::V2 => json!({
            "status": 200,
            "success": true,
            "data": { "expiresIn": lifetime, "token": token },
        }),
        Flavor::Login => json!({
            "access_token": token,
            "refresh_token": random::alphanumeric(REFRESH_TOKEN_LENGTH),
        }),
    };
    Ok((StatusCode::OK, Json(body)).into_response())
}

/// Builds the claims for a valid key, and returns them with the lifetime in seconds.
fn claims_for(
    state: &State,
    flavor: Flavor,
    request: &TokenRequest,
) -> Result<(Claims, u64), ApiError> {
    let keys = state.keys();
    let Credentials::Valid(record) =
        keys.check_credentials(&request.client_id, &request.secret, state.environment)
    else {
        let detail = format!(
            "clientID {:?} and the secret do not match an enabled {} API key",
            request.client_id, state.environment
        );
        return Err(ApiError::bad_request(ErrorCode::InvalidApiKey, detail));
    };

    let lifetime = record
        .key
        .token_lifetime
        .unwrap_or_else(|| state.lifetime(flavor));
    let issued_at = state.clock.now_unix();
    let claims = Claims {
        iss: ISSUER.to_owned(),
        sub: record.key.client_id.clone(),
        client_id: record.key.client_id.clone(),
        iat: issued_at,
        exp: issued_at.saturating_add_unsigned(lifetime),
        jti: format!("{}.{}", record.serial, random::hex(16)),
        products: record.key.products.clone(),
        environment: record.key.environment,
        flavor,
    };
    Ok((claims, lifetime))
}
