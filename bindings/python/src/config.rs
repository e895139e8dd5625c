//! Keyword arguments of the manager constructors, checked and turned into a [`Config`].

use std::time::Duration;

use pyo3::prelude::*;
use setu_auth::{Config, ErrorCode, RefreshPolicy, StoreConfig};

use crate::errors;

/// The constructor's keyword arguments, as received from Python.
#[derive(Default)]
pub struct Settings {
    pub client_id: String,
    pub secret: String,
    pub environment: String,
    pub base_url: Option<String>,
    pub flavor: String,
    pub product_instance_id: Option<String>,
    pub refresh_share: Option<f64>,
    pub jitter_share: Option<f64>,
    pub min_remaining: Option<f64>,
    pub default_lifetime: Option<f64>,
    pub min_backoff: Option<f64>,
    pub max_backoff: Option<f64>,
    pub negative_ttl: Option<f64>,
    pub max_retry_after: Option<f64>,
    pub connect_timeout: Option<f64>,
    pub request_timeout: Option<f64>,
    pub store: Option<String>,
    pub store_dir: Option<String>,
    pub redis_url: Option<String>,
    pub redis_timeout: Option<f64>,
}

impl Settings {
    /// Builds the engine configuration, naming the first invalid argument.
    pub fn into_config(self, py: Python<'_>) -> PyResult<Config> {
        let invalid = |message: String| errors::new_py(py, ErrorCode::InvalidConfig, message);
        let policy = policy(&self, &invalid)?;
        let store = store(&self, &invalid)?;
        let mut config = Config::new(self.client_id, self.secret);

        config.environment = self
            .environment
            .parse()
            .map_err(|e| errors::to_py(py, &e))?;
        config.flavor = self.flavor.parse().map_err(|e| errors::to_py(py, &e))?;
        config.base_url = self.base_url;
        config.product_instance_id = self.product_instance_id;
        config.policy = policy;

        if let Some(value) = self.connect_timeout {
            config.connect_timeout = seconds("connect_timeout", value, &invalid)?;
        }
        if let Some(value) = self.request_timeout {
            config.request_timeout = seconds("request_timeout", value, &invalid)?;
        }
        config.store = store;
        config.validate().map_err(|e| errors::to_py(py, &e))?;
        Ok(config)
    }
}

/// Converts `store`, `store_dir`, `redis_url` and `redis_timeout` into a [`StoreConfig`].
fn store(settings: &Settings, invalid: &impl Fn(String) -> PyErr) -> PyResult<StoreConfig> {
    let kind = settings.store.as_deref().unwrap_or("memory");
    if settings.store_dir.is_some() && kind != "file" {
        return Err(invalid(format!(
            "store_dir is set but store is {kind:?}: pass store=\"file\" with it"
        )));
    }
    if (settings.redis_url.is_some() || settings.redis_timeout.is_some()) && kind != "redis" {
        return Err(invalid(format!(
            "redis_url or redis_timeout is set but store is {kind:?}: pass store=\"redis\" with it"
        )));
    }

    match kind {
        "memory" => Ok(StoreConfig::Memory),
        "file" => Ok(StoreConfig::File {
            dir: settings.store_dir.as_ref().map(Into::into),
        }),
        "redis" => {
            let Some(url) = settings.redis_url.clone() else {
                return Err(invalid(
                    "store=\"redis\" needs redis_url, such as \"redis://127.0.0.1:6379\"".into(),
                ));
            };
            let timeout = match settings.redis_timeout {
                Some(value) => seconds("redis_timeout", value, invalid)?,
                None => StoreConfig::DEFAULT_REDIS_TIMEOUT,
            };
            Ok(StoreConfig::Redis { url, timeout })
        }
        other => Err(invalid(format!(
            "invalid store {other:?}: use \"memory\", \"file\" or \"redis\""
        ))),
    }
}

fn policy(settings: &Settings, invalid: &impl Fn(String) -> PyErr) -> PyResult<RefreshPolicy> {
    let mut policy = RefreshPolicy::default();
    if let Some(share) = settings.refresh_share {
        policy.refresh_share = share;
    }
    if let Some(share) = settings.jitter_share {
        policy.jitter_share = share;
    }

    let durations = [
        (
            "min_remaining",
            settings.min_remaining,
            &mut policy.min_remaining,
        ),
        (
            "default_lifetime",
            settings.default_lifetime,
            &mut policy.default_lifetime,
        ),
        ("min_backoff", settings.min_backoff, &mut policy.min_backoff),
        ("max_backoff", settings.max_backoff, &mut policy.max_backoff),
        (
            "negative_ttl",
            settings.negative_ttl,
            &mut policy.negative_ttl,
        ),
        (
            "max_retry_after",
            settings.max_retry_after,
            &mut policy.max_retry_after,
        ),
    ];
    for (name, value, field) in durations {
        if let Some(value) = value {
            *field = seconds(name, value, invalid)?;
        }
    }
    Ok(policy)
}

/// Converts seconds given as a float into a duration, rejecting negative and non-finite
/// values.
fn seconds(name: &str, value: f64, invalid: &impl Fn(String) -> PyErr) -> PyResult<Duration> {
    if !value.is_finite() || value < 0.0 {
        return Err(invalid(format!(
            "invalid {name} {value}: give a number of seconds, zero or more, such as 5.0"
        )));
    }
    Duration::try_from_secs_f64(value).map_err(|_| {
        invalid(format!(
            "invalid {name} {value}: the number of seconds is too large"
        ))
    })
}
