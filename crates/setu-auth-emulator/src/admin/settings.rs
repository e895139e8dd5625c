//! Admin endpoints for global settings, faults, stats and the signing key.

use std::sync::Arc;

use axum::Json;
use axum::extract::State as StateExtractor;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{AdminError, JsonBody};
use crate::faults::Fault;
use crate::jwt::Flavor;
use crate::state::State;
use crate::stats::EmulatorStats;

type AdminState = StateExtractor<Arc<State>>;

/// Body of the global lifetime endpoints.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifetimeBody {
    seconds: u64,
}

/// Body of `PUT /_emulator/clock`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClockBody {
    skew_seconds: i64,
}

/// `GET /_emulator/info`: environment, global lifetimes, clock skew and the
/// emulator's current Unix time.
pub async fn info(StateExtractor(state): AdminState) -> Json<Value> {
    Json(json!({
        "environment": state.environment,
        "tokenLifetime": state.lifetime(Flavor::V2),
        "loginTokenLifetime": state.lifetime(Flavor::Login),
        "clockSkewSeconds": state.clock.skew(),
        "now": state.clock.now_unix(),
    }))
}

/// `GET /_emulator/stats`.
pub async fn stats(StateExtractor(state): AdminState) -> Json<EmulatorStats> {
    Json(state.counters.snapshot())
}

/// `POST /_emulator/stats/reset` (204).
pub async fn reset_stats(StateExtractor(state): AdminState) -> StatusCode {
    state.counters.reset();
    StatusCode::NO_CONTENT
}

/// `PUT /_emulator/token-lifetime` with `{"seconds": int}` (204).
pub async fn set_token_lifetime(
    StateExtractor(state): AdminState,
    JsonBody(body): JsonBody<LifetimeBody>,
) -> Result<StatusCode, AdminError> {
    state.set_lifetime(Flavor::V2, body.seconds)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /_emulator/login-token-lifetime` with `{"seconds": int}` (204).
pub async fn set_login_token_lifetime(
    StateExtractor(state): AdminState,
    JsonBody(body): JsonBody<LifetimeBody>,
) -> Result<StatusCode, AdminError> {
    state.set_lifetime(Flavor::Login, body.seconds)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /_emulator/clock` with `{"skewSeconds": int}` (204).
pub async fn set_clock(
    StateExtractor(state): AdminState,
    JsonBody(body): JsonBody<ClockBody>,
) -> Result<StatusCode, AdminError> {
    state.set_clock_skew(body.skew_seconds)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_emulator/faults` with a fault in its JSON form (204).
pub async fn push_fault(
    StateExtractor(state): AdminState,
    JsonBody(fault): JsonBody<Fault>,
) -> StatusCode {
    state.push_fault(fault);
    StatusCode::NO_CONTENT
}

/// `DELETE /_emulator/faults` (204).
pub async fn clear_faults(StateExtractor(state): AdminState) -> StatusCode {
    state.clear_faults();
    StatusCode::NO_CONTENT
}

/// `GET /_emulator/jwks`.
pub async fn jwks(StateExtractor(state): AdminState) -> Json<Value> {
    Json(state.signer.jwks())
}

/// `GET /_emulator/public-key.pem`.
pub async fn public_key_pem(StateExtractor(state): AdminState) -> impl IntoResponse {
    let content_type = [(CONTENT_TYPE, "application/x-pem-file")];
    (content_type, state.signer.public_key_pem())
}
