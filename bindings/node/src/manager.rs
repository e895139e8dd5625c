//! The native `TokenManager`: the engine's manager with JavaScript types.

use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::Result;
use napi_derive::napi;
use setu_auth::Token;

use crate::error::to_napi;
use crate::options::{TokenManagerOptions, to_config};
use crate::runtime;

/// Fetches, caches and renews Setu bearer tokens for one API key.
///
/// Background refresh runs on native threads that never keep the process alive. A
/// long-running process still gets its token renewed before it expires.
#[napi]
pub struct TokenManager {
    inner: setu_auth::TokenManager,
}

/// A cached token with the time left before its refresh point.
#[napi(object)]
pub struct FreshToken {
    /// The bearer token.
    pub token: String,
    /// Milliseconds left before the engine's refresh point for this token.
    pub refresh_in_ms: f64,
}

/// A manager's counters since it was created.
#[napi(object)]
pub struct TokenManagerStats {
    /// Token requests sent to Setu.
    pub token_requests: f64,
    /// Token requests that returned a usable token.
    pub token_successes: f64,
    /// Token requests that failed.
    pub token_failures: f64,
    /// Calls served from the cache before the token's refresh point.
    pub cache_hits: f64,
    /// Calls served from the cache after the refresh point, while renewal was pending.
    pub stale_serves: f64,
    /// Calls to `invalidate` that discarded the current token.
    pub invalidations: f64,
}

#[napi]
impl TokenManager {
    /// Creates a manager and starts its background refresh. No request is sent until the
    /// first `token()` call.
    ///
    /// Throws a `SetuAuthError` with code `invalid_config` naming a bad option.
    #[napi(constructor)]
    pub fn new(options: TokenManagerOptions) -> Result<Self> {
        let config = to_config(options)?;
        let inner = setu_auth::TokenManager::builder()
            .config(config)
            .runtime(runtime::handle()?)
            .build()
            .map_err(|error| to_napi(&error))?;
        Ok(Self { inner })
    }

    /// Starts a token call, or joins the one in flight, and returns its handle at once.
    /// The result is served from the cache while it is fresh, otherwise from one token
    /// request shared with every concurrent caller. The JavaScript entry polls the handle
    /// instead of receiving a callback, so a worker can end with the call still pending.
    #[napi(skip_typescript)]
    pub fn start_token(&self) -> Result<PendingToken> {
        let manager = self.inner.clone();
        PendingToken::spawn(async move { manager.token().await })
    }

    /// Starts fetching a new token even if the cached one is still usable, and returns the
    /// call's handle at once.
    #[napi(skip_typescript)]
    pub fn start_refresh(&self) -> Result<PendingToken> {
        let manager = self.inner.clone();
        PendingToken::spawn(async move { manager.refresh().await })
    }

    /// Reports that the server rejected `token` with a 401. The cached token is discarded
    /// only if it is still `token`; returns whether it was. Do not call it for a 403.
    #[napi]
    pub fn invalidate(&self, token: String) -> bool {
        self.inner.invalidate(&token)
    }

    /// Replaces the API key, for example after it was regenerated. Tokens of the old key
    /// are dropped at once.
    #[napi]
    pub fn set_credentials(&self, client_id: String, secret: String) -> Result<()> {
        self.inner
            .set_credentials(client_id, secret)
            .map_err(|error| to_napi(&error))
    }

    /// Returns the manager's counters.
    #[napi]
    pub fn stats(&self) -> TokenManagerStats {
        let stats = self.inner.stats();
        TokenManagerStats {
            token_requests: stats.token_requests as f64,
            token_successes: stats.token_successes as f64,
            token_failures: stats.token_failures as f64,
            cache_hits: stats.cache_hits as f64,
            stale_serves: stats.stale_serves as f64,
            invalidations: stats.invalidations as f64,
        }
    }

    /// Stops background work and drops the cached token. Later calls fail with code
    /// `closed`. Calling it again does nothing.
    #[napi]
    pub fn close(&self) {
        self.inner.close();
    }

    /// Whether `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// The clientID in use.
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.inner.client_id()
    }

    /// The configured product instance ID, if any.
    #[napi(getter)]
    pub fn product_instance_id(&self) -> Option<String> {
        self.inner.product_instance_id().map(str::to_owned)
    }

    /// The cached token with the time left before its refresh point, if that point has
    /// not passed. Used by the JavaScript entry to keep a copy until then.
    #[napi(skip_typescript)]
    pub fn fresh_token(&self) -> Option<FreshToken> {
        self.inner.fresh_token().map(|(token, left)| FreshToken {
            token: token.as_str().to_owned(),
            refresh_in_ms: left.as_secs_f64() * 1000.0,
        })
    }

    /// Milliseconds left before the refresh point of the cached token if it is still
    /// `token`, without counting a cache hit.
    #[napi(skip_typescript)]
    pub fn refresh_in(&self, token: String) -> Option<f64> {
        self.inner
            .refresh_in(&token)
            .map(|left| left.as_secs_f64() * 1000.0)
    }
}

/// The result slot of one token call, filled by the task running it.
type Slot = Arc<Mutex<Option<std::result::Result<Token, setu_auth::Error>>>>;

/// A token call running on the binding's runtime. The task writes its result into the
/// handle and never calls into JavaScript, so nothing breaks when the JavaScript
/// environment that started the call is torn down first. Used by the JavaScript entry;
/// the package does not export it.
#[napi]
pub struct PendingToken {
    slot: Slot,
}

#[napi]
impl PendingToken {
    /// Returns the token once the call has finished, `null` while it is pending; throws
    /// the call's error if it failed.
    #[napi]
    pub fn poll(&self) -> Result<Option<String>> {
        let slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            None => Ok(None),
            Some(Ok(token)) => Ok(Some(token.as_str().to_owned())),
            Some(Err(error)) => Err(to_napi(error)),
        }
    }
}

impl PendingToken {
    /// Runs `future` on the binding's runtime with a handle for its result.
    fn spawn<F>(future: F) -> Result<Self>
    where
        F: Future<Output = std::result::Result<Token, setu_auth::Error>> + Send + 'static,
    {
        let slot = Slot::default();
        let filled = Arc::clone(&slot);
        runtime::handle()?.spawn(async move {
            let result = future.await;
            *filled.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
        });
        Ok(Self { slot })
    }
}
