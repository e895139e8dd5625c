//! A local emulator of Setu's token endpoints, for tests.
//!
//! [`Emulator::start`] binds a port on 127.0.0.1 and serves from its own thread with
//! its own Tokio runtime, so the handle is synchronous and works from sync code,
//! async tests and language bindings alike. Dropping the handle stops the server.
//!
//! ```
//! use setu_auth_emulator::{Emulator, EmulatorConfig, Fault, KeySpec};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start(EmulatorConfig::default())?;
//! let key = emulator.create_key(KeySpec {
//!     products: vec!["upi-deep-links".to_owned()],
//!     ..KeySpec::default()
//! })?;
//!
//! // The next token request gets 503 with a Setu error envelope.
//! emulator.push_fault(Fault::respond(503));
//!
//! let client = reqwest::Client::builder().no_proxy().build()?;
//! let url = format!("{}/api/v2/auth/token", emulator.url());
//! let body = serde_json::json!({ "clientID": key.client_id, "secret": key.secret });
//!
//! let first = client.post(&url).json(&body).send().await?;
//! assert_eq!(first.status(), 503);
//!
//! let second: serde_json::Value = client.post(&url).json(&body).send().await?.json().await?;
//! assert_eq!(second["data"]["expiresIn"], 1800);
//! assert_eq!(emulator.stats().token_requests, 2);
//! # Ok(())
//! # }
//! ```
//!
//! # Endpoints
//!
//! Token endpoints, with the request and response shapes of Setu's OpenAPI documents:
//!
//! - `POST /api/v2/auth/token` takes `{"clientID", "secret"}` and returns
//!   `{"status":200,"success":true,"data":{"expiresIn":1800,"token":"<jwt>"}}`. Errors
//!   use the Setu envelope `{status, success, error: {code, title, detail, docURL,
//!   traceID, errors}}` with these codes:
//!   - 400 `invalid-api-key`: the credentials do not match an enabled key of the
//!     emulator's environment.
//!   - 400 `bad-request`: the body is not a JSON object or exceeds 64 KiB.
//!   - 400 `invalid-param`: a field is missing, empty or not a string.
//!   - 405 `method-not-allowed`: the method is not POST.
//! - `POST /v1/users/login` takes the header `client: bridge` and
//!   `{"clientID", "secret", "grant_type": "client_credentials"}` and returns
//!   `{"access_token":"<jwt>","refresh_token":"<opaque>"}`. The lifetime (300 s by
//!   default) is only in the JWT. Errors use the account aggregator's `ErrorResponse`
//!   shape `{ver, timestamp, txnid, errorCode, errorMsg}`, with status 400 and the
//!   codes above plus `header-not-found`, or 405 for other methods.
//!
//! Tokens are RS256 JWTs with the header `{alg, typ, kid}` and the claims `iss`
//! (`setu-auth-emulator`), `sub` and `clientID` (the clientID), `iat` and `exp` (Unix
//! seconds from the emulator's clock), `jti` (unique per token), `products`,
//! `environment` and `flavor` (`v2` or `login`). [`Emulator::public_key_pem`] and
//! [`Emulator::jwks`] publish the verification key.
//!
//! `GET /api/v2/sample` plays the part of any Setu API. It takes
//! `Authorization: Bearer <jwt>` and an optional `X-Setu-Product-Instance-ID` (or
//! `x-product-instance-id`) header, and returns
//! `{"status":200,"success":true,"data":{"clientID":..,"productInstanceID":..}}`,
//! 401 `jwt-verification-failed` for a missing, invalid or revoked token (its key
//! disabled, deleted or regenerated), 401 `jwt-token-expired` once `exp` has passed,
//! or 403 `request-not-authorised` when the key lacks the product instance.
//!
//! Every response carries a `Date` header from the emulator's clock, which
//! [`Emulator::set_clock_skew`] shifts.
//!
//! # Admin API
//!
//! The admin API mirrors the Rust API. Bodies are JSON with camelCase fields, except
//! the snake_case stats. Errors are `{"error": "<sentence>"}` with 400 for invalid
//! input, 404 for an unknown clientID or path, 405 for a wrong method, 409 for a
//! clientID in use and 413 for a body over 64 KiB.
//!
//! | Method and path | Body | Response |
//! | --- | --- | --- |
//! | `GET /_emulator/info` | | `{environment, tokenLifetime, loginTokenLifetime, clockSkewSeconds, now}` |
//! | `GET /_emulator/stats` | | [`EmulatorStats`] with snake_case fields |
//! | `POST /_emulator/stats/reset` | | 204 |
//! | `POST /_emulator/keys` | [`KeySpec`], every field optional | 201 [`ApiKey`] with `secret` |
//! | `GET /_emulator/keys` | | list of [`KeyInfo`] |
//! | `POST /_emulator/keys/{clientID}/disable` | | 204 |
//! | `POST /_emulator/keys/{clientID}/enable` | | 204 |
//! | `POST /_emulator/keys/{clientID}/regenerate` | | 200 [`ApiKey`] with the new pair |
//! | `DELETE /_emulator/keys/{clientID}` | | 204 |
//! | `PUT /_emulator/keys/{clientID}/token-lifetime` | `{"seconds": int or null}` | 204 |
//! | `PUT /_emulator/token-lifetime` | `{"seconds": int}` | 204 |
//! | `PUT /_emulator/login-token-lifetime` | `{"seconds": int}` | 204 |
//! | `PUT /_emulator/clock` | `{"skewSeconds": int}` | 204 |
//! | `POST /_emulator/faults` | [`Fault`] in its JSON form | 204 |
//! | `DELETE /_emulator/faults` | | 204 |
//! | `GET /_emulator/jwks` | | JSON Web Key Set |
//! | `GET /_emulator/public-key.pem` | | PEM text |

mod admin;
mod clock;
mod config;
mod conn;
mod emulator;
mod envelope;
mod error;
mod fault_response;
mod faults;
mod jwt;
mod key_store;
mod keys;
mod random;
mod request;
mod routes;
mod sample;
mod server;
mod state;
mod stats;
mod token;

pub use clock::MAX_CLOCK_SKEW_SECONDS;
pub use config::{
    DEFAULT_LOGIN_TOKEN_LIFETIME, DEFAULT_TOKEN_LIFETIME, EmulatorConfig, Environment,
    MAX_TOKEN_LIFETIME,
};
pub use emulator::Emulator;
pub use error::EmulatorError;
pub use faults::{Fault, FaultAction, FaultTarget};
pub use keys::{ApiKey, KeyInfo, KeySpec};
pub use stats::EmulatorStats;
