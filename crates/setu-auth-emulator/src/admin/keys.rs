//! Admin endpoints for API keys.

use std::sync::Arc;

use axum::Json;
use axum::extract::State as StateExtractor;
use axum::http::StatusCode;
use serde::Deserialize;

use super::extract::{AdminError, ClientIdPath, JsonBody};
use crate::keys::{ApiKey, KeyInfo, KeySpec};
use crate::state::State;

type AdminState = StateExtractor<Arc<State>>;

/// Body of `PUT /_emulator/keys/{clientID}/token-lifetime`. `null` or a missing
/// `seconds` clears the key's own lifetime.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyLifetimeBody {
    seconds: Option<u64>,
}

/// `POST /_emulator/keys`: creates a key and returns it with its secret (201).
pub async fn create(
    StateExtractor(state): AdminState,
    JsonBody(spec): JsonBody<KeySpec>,
) -> Result<(StatusCode, Json<ApiKey>), AdminError> {
    let key = state.keys().create(spec)?;
    Ok((StatusCode::CREATED, Json(key)))
}

/// `GET /_emulator/keys`: lists the keys without secrets.
pub async fn list(StateExtractor(state): AdminState) -> Json<Vec<KeyInfo>> {
    Json(state.keys().list())
}

/// `POST /_emulator/keys/{clientID}/disable` (204).
pub async fn disable(
    StateExtractor(state): AdminState,
    ClientIdPath(client_id): ClientIdPath,
) -> Result<StatusCode, AdminError> {
    state.keys().set_enabled(&client_id, false)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_emulator/keys/{clientID}/enable` (204).
pub async fn enable(
    StateExtractor(state): AdminState,
    ClientIdPath(client_id): ClientIdPath,
) -> Result<StatusCode, AdminError> {
    state.keys().set_enabled(&client_id, true)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_emulator/keys/{clientID}/regenerate`: returns the key with its new
/// clientID and secret (200).
pub async fn regenerate(
    StateExtractor(state): AdminState,
    ClientIdPath(client_id): ClientIdPath,
) -> Result<Json<ApiKey>, AdminError> {
    let key = state.keys().regenerate(&client_id)?;
    Ok(Json(key))
}

/// `DELETE /_emulator/keys/{clientID}` (204).
pub async fn delete(
    StateExtractor(state): AdminState,
    ClientIdPath(client_id): ClientIdPath,
) -> Result<StatusCode, AdminError> {
    state.keys().delete(&client_id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /_emulator/keys/{clientID}/token-lifetime` with `{"seconds": int|null}` (204).
pub async fn set_token_lifetime(
    StateExtractor(state): AdminState,
    ClientIdPath(client_id): ClientIdPath,
    JsonBody(body): JsonBody<KeyLifetimeBody>,
) -> Result<StatusCode, AdminError> {
    state.keys().set_token_lifetime(&client_id, body.seconds)?;
    Ok(StatusCode::NO_CONTENT)
}
