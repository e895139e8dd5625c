//! [`TokenManager`]: the public face of the engine.

use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::{self, Either};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use tokio::runtime::Handle;

use crate::clock::Clock;
use crate::config::{Config, Environment, Flavor, RefreshPolicy, validate_credentials};
use crate::error::Error;
use crate::flight::Want;
use crate::refresher;
use crate::secret::Secret;
use crate::shared::Shared;
use crate::state::{Inner, KeyState, RetryState, Wake, lock};
use crate::stats::{Counters, Stats};
use crate::store::{self, StoreConfig};
use crate::token::Token;

/// The header that names the product instance a request is for.
pub const PRODUCT_INSTANCE_HEADER: &str = "X-Setu-Product-Instance-ID";

/// Fetches, caches and renews Setu bearer tokens for one API key.
///
/// Clones share one cache and one background task. The task stops when [`close`] is called
/// or the last clone is dropped.
///
/// [`close`]: TokenManager::close
#[derive(Clone)]
pub struct TokenManager {
    inner: Arc<Inner>,
}

impl TokenManager {
    /// Starts a builder with the sandbox environment and the v2 flavour.
    pub fn builder() -> TokenManagerBuilder {
        TokenManagerBuilder::default()
    }

    /// Creates a manager from `config` on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorCode::InvalidConfig`] when a setting is invalid or no tokio runtime is
    /// running.
    pub fn new(config: Config) -> Result<Self, Error> {
        Self::builder().config(config).build()
    }

    /// Returns a usable token: from the cache without I/O while it is fresh, otherwise from
    /// one token request shared with every concurrent caller.
    ///
    /// # Errors
    ///
    /// The token request's error, shared by every caller that waited on it. A permanent
    /// failure is returned from memory for `negative_ttl` without a new request.
    pub fn token(&self) -> impl Future<Output = Result<Token, Error>> + Send + 'static {
        // A plain function returning a small future keeps the cached path as cheap as a
        // synchronous call: no state machine holding the request future is built for it.
        match self.inner.cached() {
            Some(token) => Either::Left(future::ready(Ok(token))),
            None => Either::Right(self.inner.wait_flight(Want::Usable)),
        }
    }

    /// Returns the cached token if it is usable, without I/O, locks or waiting.
    pub fn cached_token(&self) -> Option<Token> {
        self.inner.cached()
    }

    /// Returns the cached token with the time left before its refresh point, if that point
    /// has not passed. Bindings use it to keep a copy on their side of the boundary for that
    /// long, instead of crossing into Rust on every call.
    pub fn fresh_token(&self) -> Option<(Token, Duration)> {
        self.inner.fresh()
    }

    /// Returns the time left before the refresh point of the cached token if it is still
    /// `token` and that point has not passed. Unlike [`TokenManager::fresh_token`] it does
    /// not count a cache hit, so a binding can learn how long it may keep a token that
    /// [`TokenManager::token`] just returned.
    pub fn refresh_in(&self, token: &str) -> Option<Duration> {
        self.inner.refresh_in(token)
    }

    /// Fetches a new token even if the cached one is still usable. A failure leaves the
    /// cached token in place. Within `negative_ttl` of a permanent failure, that failure is
    /// returned without a new request.
    ///
    /// # Errors
    ///
    /// The token request's error.
    pub async fn refresh(&self) -> Result<Token, Error> {
        self.inner.wait_flight(Want::Fresh).await
    }

    /// Reports that the server rejected `token` with a 401. The cached token is discarded
    /// only if it is still `token`, so a burst of 401s causes one new request. Returns
    /// whether the cached token was discarded.
    ///
    /// Do not call this for a 403: a new token does not fix a missing permission.
    pub fn invalidate(&self, token: &str) -> bool {
        self.inner.invalidate(token)
    }

    /// Replaces the API key, for example after it was regenerated. Tokens of the old key are
    /// dropped at once, and a request still in progress with the old key cannot cache its
    /// result.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorCode::InvalidConfig`] when either value is empty or malformed, and
    /// [`crate::ErrorCode::Closed`] after [`TokenManager::close`].
    pub fn set_credentials(
        &self,
        client_id: impl Into<String>,
        secret: impl Into<Secret>,
    ) -> Result<(), Error> {
        let client_id = client_id.into();
        let secret = secret.into();
        validate_credentials(&client_id, &secret)?;
        if self.is_closed() {
            return Err(Error::closed());
        }

        self.inner.set_credentials(client_id, secret);
        Ok(())
    }

    /// Returns the headers for a Setu API call: `Authorization: Bearer <token>` (marked
    /// sensitive, so `Debug` hides it) and the product instance header when configured.
    ///
    /// # Errors
    ///
    /// The error of [`TokenManager::token`].
    pub async fn auth_headers(&self) -> Result<HeaderMap, Error> {
        let token = self.token().await?;
        Ok(self.headers_for(&token))
    }

    /// Builds the headers of [`TokenManager::auth_headers`] for a given token.
    pub fn headers_for(&self, token: &Token) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let mut authorization = HeaderValue::from_str(&token.bearer())
            .expect("tokens are checked to be visible ASCII when received");
        authorization.set_sensitive(true);
        headers.insert(AUTHORIZATION, authorization);

        if let Some(id) = &self.inner.product_instance_id {
            let value = HeaderValue::from_str(id)
                .expect("the product instance ID is checked when the manager is built");
            headers.insert(PRODUCT_INSTANCE_HEADER, value);
        }
        headers
    }

    /// Returns the configured product instance ID.
    pub fn product_instance_id(&self) -> Option<&str> {
        self.inner.product_instance_id.as_deref()
    }

    /// Returns the clientID in use.
    pub fn client_id(&self) -> String {
        lock(&self.inner.keys).client_id.clone()
    }

    /// Returns the manager's counters.
    pub fn stats(&self) -> Stats {
        let mut stats = self.inner.counters.snapshot();
        stats.cache_hits += self.inner.hit_shards.total();
        stats
    }

    /// Stops background work and drops the cached token. Later calls fail with
    /// [`crate::ErrorCode::Closed`]. Calling it again does nothing.
    pub fn close(&self) {
        self.inner.close();
    }

    pub(crate) fn inner_runtime(&self) -> Handle {
        self.inner.runtime.clone()
    }

    /// Returns whether [`TokenManager::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.wake.is_closed()
    }
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("client_id", &self.client_id())
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("flavor", &self.inner.flavor)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// Builds a [`TokenManager`].
#[derive(Debug)]
pub struct TokenManagerBuilder {
    config: Config,
    clock: Clock,
    runtime: Option<Handle>,
}

impl Default for TokenManagerBuilder {
    fn default() -> Self {
        Self {
            config: Config::new(String::new(), String::new()),
            clock: Clock::system(),
            runtime: None,
        }
    }
}

impl TokenManagerBuilder {
    /// Replaces every setting with `config`.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Sets the Setu environment.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.config.environment = environment;
        self
    }

    /// Overrides the environment's host, for the emulator or a proxy.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.config.base_url = Some(base_url.into());
        self
    }

    /// Sets the token API flavour.
    pub fn flavor(mut self, flavor: Flavor) -> Self {
        self.config.flavor = flavor;
        self
    }

    /// Sets the API key's clientID and secret.
    pub fn credentials(mut self, client_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        self.config.client_id = client_id.into();
        self.config.secret = secret.into();
        self
    }

    /// Sets the product instance ID sent by the header helpers.
    pub fn product_instance_id(mut self, id: impl Into<String>) -> Self {
        self.config.product_instance_id = Some(id.into());
        self
    }

    /// Sets refresh and retry timing.
    pub fn refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.config.policy = policy;
        self
    }

    /// Sets the connection timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Sets the timeout of a whole token request.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.config.request_timeout = timeout;
        self
    }

    /// Sets where the token is kept: this manager's memory (the default), a file store
    /// shared by the processes of one host, or a Redis store shared by many hosts.
    pub fn store(mut self, store: StoreConfig) -> Self {
        self.config.store = store;
        self
    }

    /// Sets the clock, for tests that drive time by hand.
    pub fn clock(mut self, clock: impl Into<Clock>) -> Self {
        self.clock = clock.into();
        self
    }

    /// Runs background work on `runtime` instead of the current one.
    pub fn runtime(mut self, runtime: Handle) -> Self {
        self.runtime = Some(runtime);
        self
    }

    /// Checks the settings and starts the manager's background task.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorCode::InvalidConfig`] naming the invalid setting, or when no runtime
    /// was given and none is running.
    pub fn build(self) -> Result<TokenManager, Error> {
        let endpoint = self.config.validate()?;
        let runtime = match self.runtime {
            Some(runtime) => runtime,
            None => Handle::try_current().map_err(|_| {
                Error::config(
                    "no tokio runtime is running: build the manager inside one, pass \
                     .runtime(handle), or use BlockingTokenManager",
                )
            })?,
        };
        let http = http_client(&self.config, Config::is_loopback(&endpoint))?;
        let shared = {
            let _entered = runtime.enter();
            store::open(&self.config.store)?
                .map(|store| Shared::new(store, self.config.request_timeout))
        };

        let config = self.config;
        let inner = Arc::new(Inner {
            endpoint,
            flavor: config.flavor,
            product_instance_id: config.product_instance_id,
            policy: config.policy,
            max_body_bytes: config.max_body_bytes,
            http,
            clock: self.clock,
            runtime,
            cache: Default::default(),
            keys: Mutex::new(KeyState {
                client_id: config.client_id,
                secret: config.secret,
                generation: 0,
            }),
            flight: Mutex::new(None),
            negative: Mutex::new(None),
            retry: Mutex::new(RetryState::default()),
            counters: Counters::default(),
            hit_shards: Default::default(),
            wake: Arc::new(Wake::default()),
            next_id: AtomicU64::new(0),
            shared,
        });
        refresher::spawn(&inner);
        Ok(TokenManager { inner })
    }
}

fn http_client(config: &Config, loopback: bool) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("setu-auth/", env!("CARGO_PKG_VERSION")));
    if loopback {
        builder = builder.no_proxy();
    }

    builder.build().map_err(|error| {
        Error::config(format!("failed to set up the HTTP client: {error}")).with_source(error)
    })
}
