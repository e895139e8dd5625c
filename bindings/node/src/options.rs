//! The options object of `new TokenManager({...})` and its conversion to the engine's
//! [`Config`]. The JavaScript entry has already rejected unknown keys and wrong types; the
//! engine checks the values.

use std::time::Duration;

use napi_derive::napi;
use setu_auth::{Config, Environment, ErrorCode, Flavor};

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
    /// How long a permanent failure is answered from memory. Default 5000.
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
    Ok(config)
}

fn apply_policy(config: &mut Config, options: RefreshPolicyOptions) -> napi::Result<()> {
    let policy = &mut config.policy;
    set(&mut policy.refresh_share, options.refresh_share);
    set(&mut policy.jitter_share, options.jitter_share);
    set_ms(
        &mut policy.min_remaining,
        options.min_remaining_ms,
        "minRemainingMs",
    )?;
    set_ms(
        &mut policy.default_lifetime,
        options.default_lifetime_ms,
        "defaultLifetimeMs",
    )?;
    set_ms(
        &mut policy.min_backoff,
        options.min_backoff_ms,
        "minBackoffMs",
    )?;
    set_ms(
        &mut policy.max_backoff,
        options.max_backoff_ms,
        "maxBackoffMs",
    )?;
    set_ms(
        &mut policy.negative_ttl,
        options.negative_ttl_ms,
        "negativeTtlMs",
    )?;
    set_ms(
        &mut policy.max_retry_after,
        options.max_retry_after_ms,
        "maxRetryAfterMs",
    )?;

    set_ms(
        &mut config.connect_timeout,
        options.connect_timeout_ms,
        "connectTimeoutMs",
    )?;
    set_ms(
        &mut config.request_timeout,
        options.request_timeout_ms,
        "requestTimeoutMs",
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
            format!("policy.{name} is {ms}: use a whole number of milliseconds from 0 up"),
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
