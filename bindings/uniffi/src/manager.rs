//! [`TokenManager`]: the engine's manager with async and blocking methods.

use std::fmt;
use std::sync::Arc;

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
    /// Calls answered from the cache.
    pub cache_hits: u64,
    /// Calls answered with an older, still valid token while a refresh failed.
    pub stale_serves: u64,
    /// Invalidations that discarded the cached token.
    pub invalidations: u64,
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
