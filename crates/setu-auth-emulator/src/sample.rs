//! The token-protected sample endpoint `GET /api/v2/sample`.
//!
//! It plays the part of any Setu API that takes `Authorization: Bearer <token>`:
//!
//! - 200 `{"status":200,"success":true,"data":{"clientID":...,"productInstanceID":...}}`
//!   for a valid token.
//! - 401 `jwt-verification-failed` for a missing, garbled, forged or revoked token. A
//!   token is revoked once its key is disabled, deleted or regenerated.
//! - 401 `jwt-token-expired` once `exp` is at or before the emulator's clock.
//! - 403 `request-not-authorised` when the `X-Setu-Product-Instance-ID` (or
//!   `x-product-instance-id`) header names a product instance that the key lacks.

use std::sync::Arc;

use axum::Json;
use axum::extract::State as StateExtractor;
use axum::http::header::{ALLOW, AUTHORIZATION};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::envelope::{ApiError, ErrorCode};
use crate::jwt::{Claims, VerifyError};
use crate::state::State;

/// Product instance headers, in the order they are looked up.
const PRODUCT_INSTANCE_HEADERS: [&str; 2] = ["x-setu-product-instance-id", "x-product-instance-id"];

/// Handles `/api/v2/sample`.
pub async fn sample(
    StateExtractor(state): StateExtractor<Arc<State>>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let response = if method == Method::GET {
        match authorize(&state, &headers) {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(
                    code = error.code.as_str(),
                    "emulator rejected a sample API request"
                );
                error.into_envelope()
            }
        }
    } else {
        method_not_allowed(&method)
    };

    state
        .counters
        .api_request(response.status() == StatusCode::OK);
    response
}

fn method_not_allowed(method: &Method) -> Response {
    let detail = format!("method {method} is not allowed on this endpoint; use GET");
    let error = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        detail,
    );

    let mut response = error.into_envelope();
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET"));
    response
}

/// Checks the bearer token and product instance and returns the 200 response.
fn authorize(state: &State, headers: &HeaderMap) -> Result<Response, ApiError> {
    let token = bearer_token(headers).ok_or_else(|| {
        verification_failed("the Authorization header with a Bearer token is missing")
    })?;
    let claims = state.signer.verify(token).map_err(|error| match error {
        VerifyError::Malformed => verification_failed("the bearer token is not a well-formed JWT"),
        VerifyError::BadSignature => verification_failed("the bearer token's signature is invalid"),
    })?;

    if claims.exp <= state.clock.now_unix() {
        let detail = format!(
            "the bearer token expired at {} (Unix time); fetch a new token",
            claims.exp
        );
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::JwtTokenExpired,
            detail,
        ));
    }

    let products = live_key_products(state, &claims)?;
    let product = product_instance(headers)?;
    if let Some(product) = &product {
        check_product(&products, product)?;
    }

    let body = json!({
        "status": 200,
        "success": true,
        "data": { "clientID": claims.client_id, "productInstanceID": product },
    });
    Ok((StatusCode::OK, Json(body)).into_response())
}

/// Returns the products of the token's key, unless the key was disabled, deleted or
/// regenerated since the token was issued.
fn live_key_products(state: &State, claims: &Claims) -> Result<Vec<String>, ApiError> {
    let keys = state.keys();
    let record = claims
        .key_serial()
        .and_then(|serial| keys.find_live(&claims.client_id, serial));

    match record {
        Some(record) => Ok(record.key.products.clone()),
        None => Err(verification_failed(
            "the API key of this token was disabled, deleted or regenerated",
        )),
    }
}

fn check_product(products: &[String], product: &str) -> Result<(), ApiError> {
    if products.iter().any(|allowed| allowed == product) {
        return Ok(());
    }

    let detail = format!(
        "the API key of this token has no access to product instance {product:?}; \
         use a key that lists it, because a new token for this key does not help"
    );
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::RequestNotAuthorised,
        detail,
    ))
}

/// Returns the token from `Authorization: Bearer <token>`, with any case of `Bearer`.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;

    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Returns the product instance ID header, if present.
fn product_instance(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = PRODUCT_INSTANCE_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
    else {
        return Ok(None);
    };

    match value.to_str() {
        Ok(product) => Ok(Some(product.to_owned())),
        Err(_) => {
            let detail = "the product instance ID header contains non-ASCII bytes; send the ID as plain text";
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::RequestNotAuthorised,
                detail,
            ))
        }
    }
}

fn verification_failed(detail: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::JwtVerificationFailed,
        detail,
    )
}
