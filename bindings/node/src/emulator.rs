//! `Emulator`: a local Setu token service for users' own tests.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use napi::bindgen_prelude::Result;
use napi_derive::napi;
use setu_auth_emulator as emu;

use crate::error::invalid_argument;

/// Settings of a new `Emulator`. Every field is optional.
#[napi(object)]
pub struct EmulatorOptions {
    /// `"sandbox"` (default) or `"production"`: keys of the other environment are rejected.
    pub environment: Option<String>,
    /// Lifetime in seconds of v2 tokens. Default 1800.
    pub token_lifetime: Option<u32>,
    /// Lifetime in seconds of login-flavour tokens. Default 300.
    pub login_token_lifetime: Option<u32>,
}

/// An API key to create. Every field is optional.
#[napi(object)]
pub struct KeySpec {
    /// Display name.
    pub name: Option<String>,
    /// Product instance IDs the key's tokens may access.
    pub products: Option<Vec<String>>,
    /// The clientID to use. A random one by default.
    pub client_id: Option<String>,
    /// The secret to use. A random one by default.
    pub secret: Option<String>,
    /// Token lifetime in seconds for this key, overriding the global lifetimes.
    pub token_lifetime: Option<u32>,
}

/// An API key of the emulator. `secret` is only present when the key was created or
/// regenerated.
#[napi(object)]
pub struct EmulatorKey {
    /// The clientID.
    pub client_id: String,
    /// The secret.
    pub secret: Option<String>,
    /// Display name.
    pub name: String,
    /// `"sandbox"` or `"production"`.
    pub environment: String,
    /// Product instance IDs the key's tokens may access.
    pub products: Vec<String>,
    /// Whether token requests with the key succeed.
    pub enabled: bool,
    /// The key's own token lifetime in seconds, if set.
    pub token_lifetime: Option<u32>,
}

/// A fault for the next token requests.
#[napi(object)]
pub struct FaultSpec {
    /// `"respond"`, `"delay"`, `"drop"` or `"truncate"`.
    pub action: String,
    /// How many matching requests it applies to. Default 1.
    pub times: Option<u32>,
    /// `"any"` (default), `"v2"` or `"login"`.
    pub target: Option<String>,
    /// HTTP status for `respond`.
    pub status: Option<u32>,
    /// Extra response headers for `respond`, such as `Retry-After`.
    pub headers: Option<HashMap<String, String>>,
    /// Response body for `respond`. By default, the endpoint's error body for the status.
    pub body: Option<String>,
    /// Delay before the action, in milliseconds.
    pub delay_ms: Option<u32>,
}

/// The emulator's request counters.
#[napi(object)]
pub struct EmulatorStats {
    /// Requests to both token endpoints.
    pub token_requests: f64,
    /// Token requests that got a 2xx response.
    pub token_successes: f64,
    /// Token requests that got an error response, or whose connection was dropped or truncated.
    pub token_failures: f64,
    /// Requests to the login endpoint.
    pub login_requests: f64,
    /// Requests to the sample API `GET /api/v2/sample`.
    pub api_requests: f64,
    /// Sample API requests that got a 200 response.
    pub api_accepted: f64,
    /// Sample API requests rejected.
    pub api_rejected: f64,
    /// Faults applied.
    pub faults_applied: f64,
}

/// A local emulator of Setu's token endpoints and a token-protected sample API
/// (`GET /api/v2/sample`), listening on 127.0.0.1 on a free port. It runs on its own
/// native thread, never keeps the process alive, and runs until `stop()` is called or the
/// process (or the worker that started it) ends, even when the object is no longer
/// referenced.
#[napi]
pub struct Emulator {
    inner: Mutex<Option<emu::Emulator>>,
    url: String,
}

#[napi]
impl Emulator {
    /// Starts an emulator.
    #[napi(constructor)]
    pub fn new(options: Option<EmulatorOptions>) -> Result<Self> {
        let mut config = emu::EmulatorConfig::default();
        if let Some(options) = options {
            apply(&mut config, options)?;
        }

        let emulator = emu::Emulator::start(config).map_err(|e| invalid_argument(e.to_string()))?;
        Ok(Self {
            url: emulator.url(),
            inner: Mutex::new(Some(emulator)),
        })
    }

    /// The base URL, such as `http://127.0.0.1:41234`, to pass as `baseUrl`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Creates an API key and returns it with its secret.
    #[napi(ts_return_type = "CreatedEmulatorKey")]
    pub fn create_key(&self, spec: Option<KeySpec>) -> Result<EmulatorKey> {
        let spec = spec.map(to_spec).unwrap_or_default();
        let key = self.with(|e| e.create_key(spec))?;
        Ok(from_api_key(key))
    }

    /// Lists every key without its secret.
    #[napi]
    pub fn list_keys(&self) -> Result<Vec<EmulatorKey>> {
        let keys = self.with(|e| Ok(e.list_keys()))?;
        Ok(keys.into_iter().map(from_key_info).collect())
    }

    /// Disables a key: its token requests fail with `invalid-api-key`.
    #[napi]
    pub fn disable_key(&self, client_id: String) -> Result<()> {
        self.with(|e| e.disable_key(&client_id))
    }

    /// Enables a disabled key.
    #[napi]
    pub fn enable_key(&self, client_id: String) -> Result<()> {
        self.with(|e| e.enable_key(&client_id))
    }

    /// Gives a key a new clientID and secret; the old pair and its tokens stop working.
    #[napi(ts_return_type = "CreatedEmulatorKey")]
    pub fn regenerate_key(&self, client_id: String) -> Result<EmulatorKey> {
        let key = self.with(|e| e.regenerate_key(&client_id))?;
        Ok(from_api_key(key))
    }

    /// Deletes a key; its tokens stop working.
    #[napi]
    pub fn delete_key(&self, client_id: String) -> Result<()> {
        self.with(|e| e.delete_key(&client_id))
    }

    /// Sets the lifetime in seconds of new v2 tokens.
    #[napi]
    pub fn set_token_lifetime(&self, seconds: u32) -> Result<()> {
        check_lifetime(seconds)?;
        self.with(|e| {
            e.set_token_lifetime(u64::from(seconds));
            Ok(())
        })
    }

    /// Sets the lifetime in seconds of new login-flavour tokens.
    #[napi]
    pub fn set_login_token_lifetime(&self, seconds: u32) -> Result<()> {
        check_lifetime(seconds)?;
        self.with(|e| {
            e.set_login_token_lifetime(u64::from(seconds));
            Ok(())
        })
    }

    /// Sets, or with `null` clears, one key's token lifetime in seconds.
    #[napi]
    pub fn set_key_token_lifetime(&self, client_id: String, seconds: Option<u32>) -> Result<()> {
        self.with(|e| e.set_key_token_lifetime(&client_id, seconds.map(u64::from)))
    }

    /// Moves the emulator's clock by `seconds` from the real time.
    #[napi]
    pub fn set_clock_skew(&self, seconds: i64) -> Result<()> {
        if seconds.abs() > emu::MAX_CLOCK_SKEW_SECONDS {
            return Err(invalid_argument(format!(
                "clock skew {seconds} s is out of range: use at most {} s either way",
                emu::MAX_CLOCK_SKEW_SECONDS
            )));
        }
        self.with(|e| {
            e.set_clock_skew(seconds);
            Ok(())
        })
    }

    /// Queues a fault for the next matching token requests.
    #[napi]
    pub fn push_fault(&self, fault: FaultSpec) -> Result<()> {
        let fault: emu::Fault = serde_json::from_value(fault_json(fault))
            .map_err(|e| invalid_argument(format!("invalid fault: {e}")))?;
        self.with(|e| {
            e.push_fault(fault);
            Ok(())
        })
    }

    /// Drops every queued fault.
    #[napi]
    pub fn clear_faults(&self) -> Result<()> {
        self.with(|e| {
            e.clear_faults();
            Ok(())
        })
    }

    /// Returns the request counters.
    #[napi]
    pub fn stats(&self) -> Result<EmulatorStats> {
        let stats = self.with(|e| Ok(e.stats()))?;
        Ok(EmulatorStats {
            token_requests: stats.token_requests as f64,
            token_successes: stats.token_successes as f64,
            token_failures: stats.token_failures as f64,
            login_requests: stats.login_requests as f64,
            api_requests: stats.api_requests as f64,
            api_accepted: stats.api_accepted as f64,
            api_rejected: stats.api_rejected as f64,
            faults_applied: stats.faults_applied as f64,
        })
    }

    /// Sets every counter to zero.
    #[napi]
    pub fn reset_stats(&self) -> Result<()> {
        self.with(|e| {
            e.reset_stats();
            Ok(())
        })
    }

    /// Stops the server. Calling it again does nothing.
    #[napi]
    pub fn stop(&self) {
        if let Some(emulator) = self.lock().take() {
            emulator.shutdown();
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<emu::Emulator>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn with<T>(
        &self,
        action: impl FnOnce(&emu::Emulator) -> std::result::Result<T, emu::EmulatorError>,
    ) -> Result<T> {
        let guard = self.lock();
        let emulator = guard
            .as_ref()
            .ok_or_else(|| invalid_argument("the emulator was stopped; start a new one"))?;
        action(emulator).map_err(|e| invalid_argument(e.to_string()))
    }
}

/// Checks a global token lifetime, which the emulator would otherwise ignore with a log.
fn check_lifetime(seconds: u32) -> Result<()> {
    if !(1..=emu::MAX_TOKEN_LIFETIME).contains(&u64::from(seconds)) {
        return Err(invalid_argument(format!(
            "invalid token lifetime {seconds} s: pass a value from 1 to {} seconds",
            emu::MAX_TOKEN_LIFETIME
        )));
    }
    Ok(())
}

fn apply(config: &mut emu::EmulatorConfig, options: EmulatorOptions) -> Result<()> {
    if let Some(environment) = options.environment {
        config.environment = environment
            .parse()
            .map_err(|e: emu::EmulatorError| invalid_argument(e.to_string()))?;
    }
    if let Some(seconds) = options.token_lifetime {
        config.token_lifetime = u64::from(seconds);
    }
    if let Some(seconds) = options.login_token_lifetime {
        config.login_token_lifetime = u64::from(seconds);
    }
    Ok(())
}

fn to_spec(spec: KeySpec) -> emu::KeySpec {
    emu::KeySpec {
        name: spec.name.unwrap_or_default(),
        products: spec.products.unwrap_or_default(),
        client_id: spec.client_id,
        secret: spec.secret,
        token_lifetime: spec.token_lifetime.map(u64::from),
        ..emu::KeySpec::default()
    }
}

fn fault_json(fault: FaultSpec) -> serde_json::Value {
    let mut json = serde_json::json!({ "action": fault.action });
    let fields = [
        ("times", fault.times.map(serde_json::Value::from)),
        ("target", fault.target.map(serde_json::Value::from)),
        ("status", fault.status.map(serde_json::Value::from)),
        ("headers", fault.headers.map(|h| serde_json::json!(h))),
        ("body", fault.body.map(serde_json::Value::from)),
        ("delayMs", fault.delay_ms.map(serde_json::Value::from)),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            json[name] = value;
        }
    }
    json
}

fn from_api_key(key: emu::ApiKey) -> EmulatorKey {
    EmulatorKey {
        secret: Some(key.secret.clone()),
        ..from_key_info(key.info())
    }
}

fn from_key_info(key: emu::KeyInfo) -> EmulatorKey {
    EmulatorKey {
        client_id: key.client_id,
        secret: None,
        name: key.name,
        environment: key.environment.as_str().to_owned(),
        products: key.products,
        enabled: key.enabled,
        token_lifetime: key.token_lifetime.map(|s| s as u32),
    }
}
