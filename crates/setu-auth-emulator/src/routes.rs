//! The emulator's HTTP routes.

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use crate::admin;
use crate::envelope::{ApiError, ErrorCode};
use crate::sample;
use crate::state::State;
use crate::token;

/// Path of the v2 token endpoint.
pub const V2_TOKEN_PATH: &str = "/api/v2/auth/token";

/// Path of the login token endpoint.
pub const LOGIN_PATH: &str = "/v1/users/login";

/// Path of the token-protected sample endpoint.
pub const SAMPLE_PATH: &str = "/api/v2/sample";

/// Builds the router for every endpoint. Unknown paths get a 404 in the Setu envelope,
/// or in the admin API's error shape under `/_emulator/`.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(V2_TOKEN_PATH, any(token::v2_token))
        .route(LOGIN_PATH, any(token::login_token))
        .route(SAMPLE_PATH, any(sample::sample))
        .nest(admin::PREFIX, admin::router())
        .fallback(not_found)
        .with_state(state)
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with(admin::PREFIX) {
        return admin::AdminError::not_found(uri.path()).into_response();
    }

    let detail = format!(
        "no endpoint has the path {}; check the base URL",
        uri.path()
    );
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::PathNotFound, detail).into_envelope()
}
