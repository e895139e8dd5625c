//! Configuration records and their conversion to the engine's `Config`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::store::Store;

/// The Setu environment a key lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Environment {
    /// Setu's sandbox (UAT) host.
    Sandbox,
    /// Setu's production host.
    Production,
}

/// The token API flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Flavor {
    /// `POST /api/v2/auth/token`, lifetime in `data.expiresIn`.
    V2,
    /// `POST /v1/users/login`, lifetime only inside the JWT.
    Login,
}

/// An API key's secret. Its text form is always `<redacted>`.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct Secret(setu_auth::Secret);

#[uniffi::export]
impl Secret {
    /// Wraps `value`.
    #[uniffi::constructor]
    pub fn new(value: String) -> Arc<Self> {
        Arc::new(Self(setu_auth::Secret::new(value)))
    }
}

impl Secret {
    pub(crate) fn engine(&self) -> setu_auth::Secret {
        self.0.clone()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// When background refreshes start and how failed requests are retried. Durations are in
/// milliseconds.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RefreshPolicy {
    /// Share of the lifetime after which a refresh starts (default 0.75).
    pub refresh_share: f64,
    /// Random share added to or taken from that point (default 0.05).
    pub jitter_share: f64,
    /// Least lifetime a token may have left when handed out (default 10 000).
    pub min_remaining_ms: u64,
    /// Lifetime assumed when the server states none (default 300 000).
    pub default_lifetime_ms: u64,
    /// First retry delay (default 500).
    pub min_backoff_ms: u64,
    /// Largest retry delay (default 30 000).
    pub max_backoff_ms: u64,
    /// How long a permanent failure is returned from memory (default 5 000).
    pub negative_ttl_ms: u64,
    /// Largest Retry-After the manager honours (default 60 000).
    pub max_retry_after_ms: u64,
}

/// Settings of a [`crate::TokenManager`]. Start from [`default_config`].
#[derive(Debug, Clone, uniffi::Record)]
pub struct Config {
    /// The Setu environment (default sandbox).
    pub environment: Environment,
    /// Overrides the environment's host; plain http only for loopback hosts.
    pub base_url: Option<String>,
    /// The token API flavour (default v2).
    pub flavor: Flavor,
    /// The API key's clientID.
    pub client_id: String,
    /// The API key's secret.
    pub secret: Arc<Secret>,
    /// Sent as `X-Setu-Product-Instance-ID` by the header helpers.
    pub product_instance_id: Option<String>,
    /// Refresh and retry timing.
    pub policy: RefreshPolicy,
    /// Connection timeout in milliseconds (default 5 000).
    pub connect_timeout_ms: u64,
    /// Timeout of a whole token request in milliseconds (default 10 000).
    pub request_timeout_ms: u64,
    /// Where the token is kept, and so which managers share it (default memory).
    pub store: Arc<Store>,
}

/// Returns a configuration for the key with every other setting at its default.
#[uniffi::export]
pub fn default_config(client_id: String, secret: Arc<Secret>) -> Config {
    let engine = setu_auth::Config::new(client_id.clone(), secret.engine());
    let policy = &engine.policy;
    Config {
        environment: Environment::Sandbox,
        base_url: None,
        flavor: Flavor::V2,
        client_id,
        secret,
        product_instance_id: None,
        policy: RefreshPolicy {
            refresh_share: policy.refresh_share,
            jitter_share: policy.jitter_share,
            min_remaining_ms: millis(policy.min_remaining),
            default_lifetime_ms: millis(policy.default_lifetime),
            min_backoff_ms: millis(policy.min_backoff),
            max_backoff_ms: millis(policy.max_backoff),
            negative_ttl_ms: millis(policy.negative_ttl),
            max_retry_after_ms: millis(policy.max_retry_after),
        },
        connect_timeout_ms: millis(engine.connect_timeout),
        request_timeout_ms: millis(engine.request_timeout),
        store: Store::memory(),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl Config {
    /// Converts to the engine's configuration; the engine validates it when building.
    pub(crate) fn engine(&self) -> setu_auth::Config {
        let mut config = setu_auth::Config::new(self.client_id.clone(), self.secret.engine());
        config.environment = match self.environment {
            Environment::Sandbox => setu_auth::Environment::Sandbox,
            Environment::Production => setu_auth::Environment::Production,
        };
        config.base_url = self.base_url.clone();
        config.flavor = match self.flavor {
            Flavor::V2 => setu_auth::Flavor::V2,
            Flavor::Login => setu_auth::Flavor::Login,
        };
        config.product_instance_id = self.product_instance_id.clone();
        config.policy = self.policy.engine();
        config.connect_timeout = Duration::from_millis(self.connect_timeout_ms);
        config.request_timeout = Duration::from_millis(self.request_timeout_ms);
        config.store = self.store.engine();
        config
    }
}

impl RefreshPolicy {
    fn engine(&self) -> setu_auth::RefreshPolicy {
        setu_auth::RefreshPolicy {
            refresh_share: self.refresh_share,
            jitter_share: self.jitter_share,
            min_remaining: Duration::from_millis(self.min_remaining_ms),
            default_lifetime: Duration::from_millis(self.default_lifetime_ms),
            min_backoff: Duration::from_millis(self.min_backoff_ms),
            max_backoff: Duration::from_millis(self.max_backoff_ms),
            negative_ttl: Duration::from_millis(self.negative_ttl_ms),
            max_retry_after: Duration::from_millis(self.max_retry_after_ms),
        }
    }
}
