//! [`TokenManager`]: the engine's manager with async and blocking methods.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, Secret};
use crate::error::SetuAuthError;
use crate::headers::AuthHeaders;
use crate::runtime;

/// The manager's counters.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Stats {
    /// Token requests sent.
    pub token_requests: u64,
    /// Token requests that returned a token.
    pub token_successes: u64,
    /// Token requests that failed.
    pub token_failures: u64,
    /// Calls served from the cache before the token's refresh point.
    pub cache_hits: u64,
    /// Calls served from the cache after the refresh point, while renewal was pending.
    pub stale_serves: u64,
    /// Invalidations that discarded the cached token.
    pub invalidations: u64,
}

/// The cached token with the time left before its refresh point. It is an object rather
/// than a record, because a generated Kotlin data class or Swift struct would print the
/// token in its text form. This one's text forms show only the time left.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct FreshToken {
    token: String,
    refresh_in_ms: u64,
}

#[uniffi::export]
impl FreshToken {
    /// Returns the bearer token.
    pub fn token(&self) -> String {
        self.token.clone()
    }

    /// Returns the milliseconds left before the engine's refresh point for this token.
    pub fn refresh_in_ms(&self) -> u64 {
        self.refresh_in_ms
    }
}

impl fmt::Debug for FreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreshToken")
            .field("token", &"<redacted>")
            .field("refresh_in_ms", &self.refresh_in_ms)
            .finish()
    }
}

impl fmt::Display for FreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Fetches, caches and renews Setu bearer tokens for one API key. Its text forms show the
/// clientID and endpoint, never the secret or a token.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct TokenManager {
    inner: setu_auth::TokenManager,
}

#[uniffi::export]
impl TokenManager {
    /// Checks `config` and starts the manager's background refresh.
    #[uniffi::constructor]
    pub fn new(config: Config) -> Result<Arc<Self>, SetuAuthError> {
        let inner = setu_auth::TokenManager::builder()
            .config(config.engine())
            .runtime(runtime::handle()?)
            .build()?;
        Ok(Arc::new(Self { inner }))
    }

    /// Returns a usable token, from the cache while it is fresh.
    pub async fn token(&self) -> Result<String, SetuAuthError> {
        if let Some(token) = self.inner.cached_token() {
            return Ok(token.as_str().to_owned());
        }
        let inner = self.inner.clone();
        runtime::run(async move { Ok(inner.token().await?.as_str().to_owned()) }).await
    }

    /// Blocking form of `token`; fails with `blocking_in_runtime` inside a tokio runtime.
    pub fn token_blocking(&self) -> Result<String, SetuAuthError> {
        if let Some(token) = self.inner.cached_token() {
            return Ok(token.as_str().to_owned());
        }
        runtime::block_on(async { Ok(self.inner.token().await?.as_str().to_owned()) })
    }

    /// Returns the cached token if it is usable, without I/O or waiting.
    pub fn cached_token(&self) -> Option<String> {
        self.inner
            .cached_token()
            .map(|token| token.as_str().to_owned())
    }

    /// Returns the cached token with the time left before its refresh point, if that point
    /// has not passed, and counts a cache hit. Bindings keep a copy for that long.
    pub fn fresh_token(&self) -> Option<Arc<FreshToken>> {
        self.inner.fresh_token().map(|(token, left)| {
            Arc::new(FreshToken {
                token: token.as_str().to_owned(),
                refresh_in_ms: millis(left),
            })
        })
    }

    /// Returns the milliseconds left before the refresh point of the cached token if it is
    /// still `token` and that point has not passed. Counts no cache hit.
    pub fn refresh_in_ms(&self, token: String) -> Option<u64> {
        self.inner.refresh_in(&token).map(millis)
    }

    /// Fetches a new token even if the cached one is still usable.
    pub async fn refresh(&self) -> Result<String, SetuAuthError> {
        let inner = self.inner.clone();
        runtime::run(async move { Ok(inner.refresh().await?.as_str().to_owned()) }).await
    }

    /// Blocking form of `refresh`.
    pub fn refresh_blocking(&self) -> Result<String, SetuAuthError> {
        runtime::block_on(async { Ok(self.inner.refresh().await?.as_str().to_owned()) })
    }

    /// Reports that the server rejected `token` with a 401; returns whether the cached
    /// token was discarded. Never call it for a 403.
    pub fn invalidate(&self, token: String) -> bool {
        self.inner.invalidate(&token)
    }

    /// Replaces the API key, for example after it was regenerated.
    pub fn set_credentials(
        &self,
        client_id: String,
        secret: Arc<Secret>,
    ) -> Result<(), SetuAuthError> {
        Ok(self.inner.set_credentials(client_id, secret.engine())?)
    }

    /// Returns the headers for a Setu API call.
    pub async fn auth_headers(&self) -> Result<Arc<AuthHeaders>, SetuAuthError> {
        let token = self.token().await?;
        Ok(self.headers_for(token))
    }

    /// Blocking form of `auth_headers`.
    pub fn auth_headers_blocking(&self) -> Result<Arc<AuthHeaders>, SetuAuthError> {
        let token = self.token_blocking()?;
        Ok(self.headers_for(token))
    }

    /// Returns the clientID in use.
    pub fn client_id(&self) -> String {
        self.inner.client_id()
    }

    /// Returns the manager's counters.
    pub fn stats(&self) -> Stats {
        let stats = self.inner.stats();
        Stats {
            token_requests: stats.token_requests,
            token_successes: stats.token_successes,
            token_failures: stats.token_failures,
            cache_hits: stats.cache_hits,
            stale_serves: stats.stale_serves,
            invalidations: stats.invalidations,
        }
    }

    /// Stops background work and drops the cached token; later calls fail with `closed`.
    /// Named `shutdown` because the generated Kotlin class already has a `close` that
    /// frees the native object; the idiomatic wrappers call both.
    pub fn shutdown(&self) {
        self.inner.close();
    }

    /// Returns whether `shutdown` was called.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }
}

impl TokenManager {
    fn headers_for(&self, token: String) -> Arc<AuthHeaders> {
        Arc::new(AuthHeaders::new(&token, self.inner.product_instance_id()))
    }
}

/// Whole milliseconds in `left`, rounded down so a binding never keeps a copy too long.
fn millis(left: Duration) -> u64 {
    u64::try_from(left.as_millis()).unwrap_or(u64::MAX)
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}
