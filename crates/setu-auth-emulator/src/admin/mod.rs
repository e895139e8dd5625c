//! Admin API under `/_emulator/`, which mirrors the Rust API over HTTP.
//!
//! Request and response bodies are JSON with camelCase fields, except the snake_case
//! stats. Errors are `{"error": "<sentence>"}` with 400 for invalid input, 404 for an
//! unknown clientID or path, 405 for a wrong method, 409 for a clientID in use and 413
//! for a body over 64 KiB.

mod extract;
mod keys;
mod settings;

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

pub use extract::AdminError;

use crate::state::State;

/// Path prefix of the admin API.
pub const PREFIX: &str = "/_emulator";

/// Builds the admin routes, relative to [`PREFIX`].
pub fn router() -> Router<Arc<State>> {
    Router::new()
        .route("/info", get(settings::info))
        .route("/stats", get(settings::stats))
        .route("/stats/reset", post(settings::reset_stats))
        .route("/keys", post(keys::create).get(keys::list))
        .route("/keys/{client_id}", axum::routing::delete(keys::delete))
        .route("/keys/{client_id}/disable", post(keys::disable))
        .route("/keys/{client_id}/enable", post(keys::enable))
        .route("/keys/{client_id}/regenerate", post(keys::regenerate))
        .route(
            "/keys/{client_id}/token-lifetime",
            put(keys::set_token_lifetime),
        )
        .route("/token-lifetime", put(settings::set_token_lifetime))
        .route(
            "/login-token-lifetime",
            put(settings::set_login_token_lifetime),
        )
        .route("/clock", put(settings::set_clock))
        .route(
            "/faults",
            post(settings::push_fault).delete(settings::clear_faults),
        )
        .route("/jwks", get(settings::jwks))
        .route("/public-key.pem", get(settings::public_key_pem))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed(method: Method) -> Response {
    AdminError::method_not_allowed(&method).into_response()
}
