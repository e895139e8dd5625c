//! The options object of `new TokenManager({...})` and its conversion to the engine's
//! [`Config`]. The JavaScript entry has already rejected unknown keys and wrong types; the
//! engine checks the values.

use std::path::PathBuf;
use std::time::Duration;

use napi_derive::napi;
use setu_auth::{Config, Environment, ErrorCode, Flavor, StoreConfig};

use crate::error::with_code;

/// Settings of a `TokenManager`. Only `clientId` and `secret` are required.
#[napi(object)]
pub struct TokenManagerOptions {
    /// The API key's clientID.
    pub client_id: String,
    /// The API key's secret. It is kept in native memory only and never printed.
    pub secret: String,
    /// `"sandbox"` (default) or `"production"`.
    pub environment: Option<String>,
    /// Overrides the environment's host, for the emulator or a proxy. Plain `http://` is
    /// accepted only for loopback hosts.
    pub base_url: Option<String>,
    /// `"v2"` (default) or `"login"`.
    pub flavor: Option<String>,
    /// Sent as `X-Setu-Product-Instance-ID` by `authHeaders()` and the integrations.
    pub product_instance_id: Option<String>,
    /// Refresh, retry and timeout settings.
    pub policy: Option<RefreshPolicyOptions>,
    /// Largest token response body read, in bytes. Default 65536.
    pub max_body_bytes: Option<f64>,
    /// The token store, which decides which managers share a token. Default: this
    /// manager's memory.
    pub store: Option<StoreOptions>,
}

/// A token store shared by managers with the same key: `memory` (default), `file` for the
/// processes of one user on one host, or `redis` for many hosts.
#[napi(object)]
pub struct StoreOptions {
    /// `"memory"`, `"file"` or `"redis"`.
    #[napi(ts_type = "'memory' | 'file' | 'redis'")]
    pub kind: String,
    /// For `file`: an absolute directory. Default `$XDG_CACHE_HOME/setu-auth`, else
    /// `~/.cache/setu-auth`.
    pub dir: Option<String>,
    /// For `redis` (required): `redis://[:password@]host[:port][/db]`, or `rediss://` for
    /// TLS. The password is never printed.
    pub url: Option<String>,
    /// For `redis`: time allowed to connect and for each command. Default 1000.
    pub timeout_ms: Option<f64>,
}

/// When tokens are renewed, how failures are retried, and request timeouts. Times are in
/// milliseconds.
#[napi(object)]
pub struct RefreshPolicyOptions {
    /// Share of a token's lifetime after which a background refresh starts. Default 0.75.
    pub refresh_share: Option<f64>,
    /// Random spread of the refresh point, as a share of the lifetime. Default 0.05.
    pub jitter_share: Option<f64>,
    /// A token is not handed out with less than this left. Default 10000.
    pub min_remaining_ms: Option<f64>,
    /// Lifetime assumed when the response states none. Default 300000.
    pub default_lifetime_ms: Option<f64>,
    /// First retry delay of a failed background refresh. Default 500.
    pub min_backoff_ms: Option<f64>,
    /// Largest retry delay. Default 30000.
    pub max_backoff_ms: Option<f64>,
    /// How long a permanent failure is returned from memory. Default 5000.
    pub negative_ttl_ms: Option<f64>,
    /// Upper bound on a server's `Retry-After`. Default 60000.
    pub max_retry_after_ms: Option<f64>,
    /// Time allowed to open a connection. Default 5000.
    pub connect_timeout_ms: Option<f64>,
    /// Time allowed for a whole token request. Default 10000.
    pub request_timeout_ms: Option<f64>,
}

/// Builds the engine configuration from the options object.
pub fn to_config(options: TokenManagerOptions) -> napi::Result<Config> {
    let mut config = Config::new(options.client_id, options.secret);
    if let Some(environment) = options.environment {
        config.environment = environment.parse::<Environment>().map_err(|e| to_js(&e))?;
    }
    if let Some(flavor) = options.flavor {
        config.flavor = flavor.parse::<Flavor>().map_err(|e| to_js(&e))?;
    }
    config.base_url = options.base_url;
    config.product_instance_id = options.product_instance_id;
    if let Some(bytes) = options.max_body_bytes {
        config.max_body_bytes = body_limit(bytes)?;
    }

    if let Some(policy) = options.policy {
        apply_policy(&mut config, policy)?;
    }
    if let Some(store) = options.store {
        config.store = to_store(store)?;
    }
    Ok(config)
}

/// Converts the `store` option; the engine checks the values when the manager is built.
fn to_store(options: StoreOptions) -> napi::Result<StoreConfig> {
    match options.kind.as_str() {
        "memory" => Ok(StoreConfig::Memory),
        "file" => Ok(StoreConfig::File {
            dir: options.dir.map(PathBuf::from),
        }),
        "redis" => {
            let url = options.url.ok_or_else(|| {
                with_code(
                    ErrorCode::InvalidConfig,
                    "option store.url is required for the redis store: use redis://host:6379",
                )
            })?;
            let mut timeout = StoreConfig::DEFAULT_REDIS_TIMEOUT;
            set_ms(&mut timeout, options.timeout_ms, "store.timeoutMs")?;
            Ok(StoreConfig::Redis { url, timeout })
        }
        other => Err(with_code(
            ErrorCode::InvalidConfig,
            format!("option store.kind is {other:?}: use \"memory\", \"file\" or \"redis\""),
        )),
    }
}

fn apply_policy(config: &mut Config, options: RefreshPolicyOptions) -> napi::Result<()> {
    let policy = &mut config.policy;
    set(&mut policy.refresh_share, options.refresh_share);
    set(&mut policy.jitter_share, options.jitter_share);
    set_ms(
        &mut policy.min_remaining,
        options.min_remaining_ms,
        "policy.minRemainingMs",
    )?;
    set_ms(
        &mut policy.default_lifetime,
        options.default_lifetime_ms,
        "policy.defaultLifetimeMs",
    )?;
    set_ms(
        &mut policy.min_backoff,
        options.min_backoff_ms,
        "policy.minBackoffMs",
    )?;
    set_ms(
        &mut policy.max_backoff,
        options.max_backoff_ms,
        "policy.maxBackoffMs",
    )?;
    set_ms(
        &mut policy.negative_ttl,
        options.negative_ttl_ms,
        "policy.negativeTtlMs",
    )?;
    set_ms(
        &mut policy.max_retry_after,
        options.max_retry_after_ms,
        "policy.maxRetryAfterMs",
    )?;

    set_ms(
        &mut config.connect_timeout,
        options.connect_timeout_ms,
        "policy.connectTimeoutMs",
    )?;
    set_ms(
        &mut config.request_timeout,
        options.request_timeout_ms,
        "policy.requestTimeoutMs",
    )
}

fn set(target: &mut f64, value: Option<f64>) {
    if let Some(value) = value {
        *target = value;
    }
}

fn set_ms(target: &mut Duration, value: Option<f64>, name: &str) -> napi::Result<()> {
    let Some(ms) = value else {
        return Ok(());
    };
    if !(0.0..=1e12).contains(&ms) {
        return Err(with_code(
            ErrorCode::InvalidConfig,
            format!("option {name} is {ms}: use a whole number of milliseconds from 0 up"),
        ));
    }
    *target = Duration::from_millis(ms as u64);
    Ok(())
}

fn body_limit(bytes: f64) -> napi::Result<usize> {
    if !(0.0..=f64::from(u32::MAX)).contains(&bytes) || bytes.fract() != 0.0 {
        return Err(with_code(
            ErrorCode::InvalidConfig,
            format!("maxBodyBytes is {bytes}: use a whole number of bytes, such as 65536"),
        ));
    }
    Ok(bytes as usize)
}

fn to_js(error: &setu_auth::Error) -> napi::Error {
    crate::error::to_napi(error)
}
