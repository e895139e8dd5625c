//! The native `TokenManager`: the engine's manager with JavaScript types.

use napi::bindgen_prelude::Result;
use napi_derive::napi;
use setu_auth::{PRODUCT_INSTANCE_HEADER, Token};

use crate::error::{internal, to_napi};
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

    /// Returns a usable token: from the cache while it is fresh, otherwise from one token
    /// request shared with every concurrent caller.
    #[napi]
    pub async fn token(&self) -> Result<String> {
        let manager = self.inner.clone();
        let token = spawn(async move { manager.token().await }).await?;
        Ok(token.as_str().to_owned())
    }

    /// Fetches a new token even if the cached one is still usable.
    #[napi]
    pub async fn refresh(&self) -> Result<String> {
        let manager = self.inner.clone();
        let token = spawn(async move { manager.refresh().await }).await?;
        Ok(token.as_str().to_owned())
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

    /// Returns the headers for a Setu API call: `authorization` and, when configured,
    /// `x-setu-product-instance-id`.
    #[napi(ts_return_type = "Promise<Record<string, string>>")]
    pub async fn auth_headers(&self) -> Result<std::collections::HashMap<String, String>> {
        let token = self.token().await?;
        let mut headers = std::collections::HashMap::new();
        headers.insert("authorization".to_owned(), format!("Bearer {token}"));
        if let Some(id) = self.inner.product_instance_id() {
            headers.insert(PRODUCT_INSTANCE_HEADER.to_ascii_lowercase(), id.to_owned());
        }
        Ok(headers)
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

/// Runs an engine call on the binding's runtime and waits for it from napi's.
async fn spawn<F>(future: F) -> Result<Token>
where
    F: Future<Output = std::result::Result<Token, setu_auth::Error>> + Send + 'static,
{
    let task = runtime::handle()?.spawn(future);
    match task.await {
        Ok(result) => result.map_err(|error| to_napi(&error)),
        Err(error) => Err(internal(format!(
            "the token task ended abnormally: {error}"
        ))),
    }
}
