//! [`Emulator`]: the in-process Setu emulator for tests written in Kotlin or Swift.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use setu_auth_emulator as emu;

/// A failure of an emulator call; the message names the value and the fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum EmulatorError {
    /// The server could not start.
    #[error("{0}")]
    Startup(String),
    /// An argument was rejected, such as an unknown clientID or a bad lifetime.
    #[error("{0}")]
    InvalidInput(String),
    /// The emulator was shut down.
    #[error("the emulator was shut down; start a new one")]
    ShutDown,
}

impl From<emu::EmulatorError> for EmulatorError {
    fn from(error: emu::EmulatorError) -> Self {
        match error {
            emu::EmulatorError::Bind { .. }
            | emu::EmulatorError::Startup { .. }
            | emu::EmulatorError::SigningKey { .. } => Self::Startup(error.to_string()),
            other => Self::InvalidInput(other.to_string()),
        }
    }
}

/// Settings of a new emulator; it always listens on a free 127.0.0.1 port.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EmulatorConfig {
    /// Lifetime in seconds of v2 tokens.
    pub token_lifetime: u64,
    /// Lifetime in seconds of login tokens.
    pub login_token_lifetime: u64,
}

/// Returns the emulator's default settings.
#[uniffi::export]
pub fn default_emulator_config() -> EmulatorConfig {
    EmulatorConfig {
        token_lifetime: emu::DEFAULT_TOKEN_LIFETIME,
        login_token_lifetime: emu::DEFAULT_LOGIN_TOKEN_LIFETIME,
    }
}

/// The specification of a new key; the emulator picks its clientID and secret.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeySpec {
    /// A label for the key.
    pub name: String,
    /// Product instance IDs the key may use.
    pub products: Vec<String>,
    /// The key's own token lifetime in seconds, overriding the global ones.
    pub token_lifetime: Option<u64>,
}

/// A key with its secret. Its text forms never show the secret.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct ApiKey(emu::ApiKey);

#[uniffi::export]
impl ApiKey {
    /// The clientID.
    pub fn client_id(&self) -> String {
        self.0.client_id.clone()
    }

    /// The secret.
    pub fn secret(&self) -> String {
        self.0.secret.clone()
    }

    /// The label.
    pub fn name(&self) -> String {
        self.0.name.clone()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// The emulator's request counters.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EmulatorStats {
    /// Token requests of both flavours.
    pub token_requests: u64,
    /// Token requests that returned a token.
    pub token_successes: u64,
    /// Token requests that failed.
    pub token_failures: u64,
    /// Login-flavour token requests.
    pub login_requests: u64,
    /// Sample API requests.
    pub api_requests: u64,
    /// Sample API requests accepted.
    pub api_accepted: u64,
    /// Sample API requests rejected.
    pub api_rejected: u64,
    /// Faults applied.
    pub faults_applied: u64,
}

/// A running emulator of Setu's token endpoints and a token-protected sample API at
/// `GET {url}/api/v2/sample`.
#[derive(uniffi::Object)]
pub struct Emulator {
    inner: Mutex<Option<emu::Emulator>>,
}

#[uniffi::export]
impl Emulator {
    /// Starts an emulator on a free 127.0.0.1 port.
    #[uniffi::constructor]
    pub fn new(config: EmulatorConfig) -> Result<Arc<Self>, EmulatorError> {
        let config = emu::EmulatorConfig {
            token_lifetime: config.token_lifetime,
            login_token_lifetime: config.login_token_lifetime,
            ..emu::EmulatorConfig::default()
        };
        let inner = emu::Emulator::start(config)?;
        Ok(Arc::new(Self {
            inner: Mutex::new(Some(inner)),
        }))
    }

    /// The base URL, such as `http://127.0.0.1:PORT`.
    pub fn url(&self) -> Result<String, EmulatorError> {
        self.with(|e| Ok(e.url()))
    }

    /// Creates a key.
    pub fn create_key(&self, spec: KeySpec) -> Result<Arc<ApiKey>, EmulatorError> {
        let spec = emu::KeySpec {
            name: spec.name,
            products: spec.products,
            token_lifetime: spec.token_lifetime,
            ..emu::KeySpec::default()
        };
        let key = self.with(|e| e.create_key(spec).map_err(Into::into))?;
        Ok(Arc::new(ApiKey(key)))
    }

    /// Disables a key: token requests with it fail and its tokens are revoked.
    pub fn disable_key(&self, client_id: String) -> Result<(), EmulatorError> {
        self.with(|e| e.disable_key(&client_id).map_err(Into::into))
    }

    /// Enables a disabled key.
    pub fn enable_key(&self, client_id: String) -> Result<(), EmulatorError> {
        self.with(|e| e.enable_key(&client_id).map_err(Into::into))
    }

    /// Gives a key a new clientID and secret, revoking its tokens.
    pub fn regenerate_key(&self, client_id: String) -> Result<Arc<ApiKey>, EmulatorError> {
        let key = self.with(|e| e.regenerate_key(&client_id).map_err(Into::into))?;
        Ok(Arc::new(ApiKey(key)))
    }

    /// Deletes a key.
    pub fn delete_key(&self, client_id: String) -> Result<(), EmulatorError> {
        self.with(|e| e.delete_key(&client_id).map_err(Into::into))
    }

    /// Sets the lifetime in seconds of new v2 tokens (1 to 86 400).
    pub fn set_token_lifetime(&self, seconds: u64) -> Result<(), EmulatorError> {
        check_lifetime(seconds)?;
        self.act(|e| e.set_token_lifetime(seconds))
    }

    /// Sets the lifetime in seconds of new login tokens (1 to 86 400).
    pub fn set_login_token_lifetime(&self, seconds: u64) -> Result<(), EmulatorError> {
        check_lifetime(seconds)?;
        self.act(|e| e.set_login_token_lifetime(seconds))
    }

    /// Sets or, with null, clears one key's token lifetime in seconds.
    pub fn set_key_token_lifetime(
        &self,
        client_id: String,
        seconds: Option<u64>,
    ) -> Result<(), EmulatorError> {
        self.with(|e| {
            e.set_key_token_lifetime(&client_id, seconds)
                .map_err(Into::into)
        })
    }

    /// Moves the emulator's clock by `seconds`.
    pub fn set_clock_skew(&self, seconds: i64) -> Result<(), EmulatorError> {
        if seconds.unsigned_abs() > emu::MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
            return Err(EmulatorError::InvalidInput(format!(
                "clock skew {seconds} s is too large: use at most {} seconds either way",
                emu::MAX_CLOCK_SKEW_SECONDS
            )));
        }
        self.act(|e| e.set_clock_skew(seconds))
    }

    /// Queues a fault on the token endpoint, in the emulator's JSON form, such as
    /// `{"action": "respond", "status": 503, "times": 2}`.
    pub fn push_fault_json(&self, json: String) -> Result<(), EmulatorError> {
        let fault: emu::Fault = serde_json::from_str(&json).map_err(|error| {
            EmulatorError::InvalidInput(format!(
                "invalid fault JSON: {error}; use the form {{\"action\": \"respond\", \"status\": 503}}"
            ))
        })?;
        self.act(|e| e.push_fault(fault))
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) -> Result<(), EmulatorError> {
        self.act(|e| e.clear_faults())
    }

    /// Returns the request counters.
    pub fn stats(&self) -> Result<EmulatorStats, EmulatorError> {
        let s = self.with(|e| Ok(e.stats()))?;
        Ok(EmulatorStats {
            token_requests: s.token_requests,
            token_successes: s.token_successes,
            token_failures: s.token_failures,
            login_requests: s.login_requests,
            api_requests: s.api_requests,
            api_accepted: s.api_accepted,
            api_rejected: s.api_rejected,
            faults_applied: s.faults_applied,
        })
    }

    /// Sets every counter to zero.
    pub fn reset_stats(&self) -> Result<(), EmulatorError> {
        self.act(|e| e.reset_stats())
    }

    /// The token signing key as a JSON Web Key Set.
    pub fn jwks(&self) -> Result<String, EmulatorError> {
        self.with(|e| Ok(e.jwks().to_string()))
    }

    /// The token signing key as PEM text.
    pub fn public_key_pem(&self) -> Result<String, EmulatorError> {
        self.with(|e| Ok(e.public_key_pem()))
    }

    /// Stops the server. Later calls fail with `ShutDown`; calling it again does nothing.
    pub fn shutdown(&self) {
        let emulator = lock(&self.inner).take();
        if let Some(emulator) = emulator {
            emulator.shutdown();
        }
    }
}

impl Emulator {
    fn running(&self) -> Result<MutexGuard<'_, Option<emu::Emulator>>, EmulatorError> {
        let guard = lock(&self.inner);
        if guard.is_none() {
            return Err(EmulatorError::ShutDown);
        }
        Ok(guard)
    }

    fn act(&self, f: impl FnOnce(&emu::Emulator)) -> Result<(), EmulatorError> {
        self.with(|e| {
            f(e);
            Ok(())
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&emu::Emulator) -> Result<T, EmulatorError>,
    ) -> Result<T, EmulatorError> {
        match self.running()?.as_ref() {
            Some(emulator) => f(emulator),
            None => Err(EmulatorError::ShutDown),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn check_lifetime(seconds: u64) -> Result<(), EmulatorError> {
    if (1..=emu::MAX_TOKEN_LIFETIME).contains(&seconds) {
        return Ok(());
    }
    Err(EmulatorError::InvalidInput(format!(
        "invalid token lifetime {seconds} s: pass a value from 1 to {} seconds",
        emu::MAX_TOKEN_LIFETIME
    )))
}
