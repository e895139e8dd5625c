//! Token engine for Setu APIs.
//!
//! Setu's APIs take a short-lived bearer token that a client gets by trading its API key's
//! clientID and secret. [`TokenManager`] does that loop properly: it caches the token and
//! returns it without I/O or locks while fresh, renews it in the background before it
//! expires, merges concurrent requests into one, retries failed renewals with backoff while
//! the old token still works, and turns Setu's error envelopes into typed [`Error`]s.
//!
//! ```no_run
//! # async fn example() -> Result<(), setu_auth::Error> {
//! use setu_auth::{Environment, TokenManager};
//!
//! let manager = TokenManager::builder()
//!     .environment(Environment::Sandbox)
//!     .credentials("my-client-id", "my-secret")
//!     .build()?;
//!
//! let token = manager.token().await?;
//! let response = manager
//!     .send(reqwest::Client::new().get("https://uat.setu.co/api/v2/some-endpoint"))
//!     .await?;
//! # let _ = (token, response);
//! # Ok(())
//! # }
//! ```
//!
//! Without an async runtime, use [`BlockingTokenManager`], which runs its own.
//!
//! Processes that should share one token and one refresh (worker pools, replicas, scripts)
//! configure a [`StoreConfig`]: a file store for one host (feature `file-store`) or Redis
//! for many (feature `redis-store`).
//!
//! Log events go through `tracing` under the target `setu_auth`. They carry the clientID,
//! attempt, duration, Setu's code and traceID, and never the secret or a token.

mod backoff;
mod blocking;
mod clock;
mod config;
mod error;
mod flight;
mod hits;
mod lifetime;
mod manager;
mod redact;
mod refresher;
mod secret;
mod send;
mod shared;
mod state;
mod stats;
mod store;
mod token;
mod wire;

pub use blocking::BlockingTokenManager;
pub use clock::{Clock, ManualClock};
pub use config::{Config, Environment, Flavor, MAX_TOKEN_LIFETIME, RefreshPolicy};
pub use error::{Error, ErrorCode};
pub use manager::{PRODUCT_INSTANCE_HEADER, TokenManager, TokenManagerBuilder};
pub use secret::Secret;
pub use stats::Stats;
pub use store::StoreConfig;
pub use token::Token;

/// Re-exported so callers can name the header and request types of the reqwest integration.
pub use reqwest;
