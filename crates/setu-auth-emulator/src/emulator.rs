//! The public handle of a running emulator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

use crate::config::{EmulatorConfig, Environment};
use crate::error::EmulatorError;
use crate::faults::Fault;
use crate::jwt::Flavor;
use crate::keys::{ApiKey, KeyInfo, KeySpec};
use crate::server::ServerHandle;
use crate::state::State;
use crate::stats::EmulatorStats;

/// Running emulator, served from its own thread and Tokio runtime.
///
/// Every method is synchronous and cheap, so the handle works from sync code, from
/// async tests and from language bindings. Dropping the handle, or calling
/// [`shutdown`](Self::shutdown), stops the server, aborts open connections and joins
/// the thread.
pub struct Emulator {
    state: Arc<State>,
    addr: SocketAddr,
    server: ServerHandle,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("environment", &self.state.environment)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Generates a signing key, creates the configured keys, binds the listen address
    /// and starts serving.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::InvalidLifetime`] or [`EmulatorError::InvalidKeySpec`] for an
    /// invalid configuration, [`EmulatorError::Bind`] when the address cannot be bound,
    /// and [`EmulatorError::Startup`] or [`EmulatorError::SigningKey`] when the thread,
    /// runtime or RSA key cannot be created.
    pub fn start(config: EmulatorConfig) -> Result<Self, EmulatorError> {
        let listen = config.listen;
        let state = Arc::new(State::new(config)?);

        let listener =
            std::net::TcpListener::bind(listen).map_err(|source| EmulatorError::Bind {
                addr: listen,
                source: Arc::new(source),
            })?;
        listener
            .set_nonblocking(true)
            .map_err(EmulatorError::startup)?;
        let addr = listener.local_addr().map_err(EmulatorError::startup)?;

        let server = ServerHandle::spawn(listener, Arc::clone(&state))?;
        tracing::info!(%addr, environment = %state.environment, "emulator started");
        Ok(Self {
            state,
            addr,
            server,
        })
    }

    /// Returns the base URL, such as `http://127.0.0.1:41234`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Returns the bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns the environment the emulator plays.
    pub fn environment(&self) -> Environment {
        self.state.environment
    }

    /// Returns the emulator's wall clock: the real time plus the clock skew, in whole
    /// seconds.
    pub fn now(&self) -> SystemTime {
        self.state.clock.now_system()
    }

    /// Creates an API key and returns it with its secret.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::InvalidKeySpec`] or [`EmulatorError::InvalidLifetime`] for an
    /// invalid field, and [`EmulatorError::DuplicateClientId`] when the clientID is in use.
    pub fn create_key(&self, spec: KeySpec) -> Result<ApiKey, EmulatorError> {
        self.state.keys().create(spec)
    }

    /// Lists every key without its secret, oldest first.
    pub fn list_keys(&self) -> Vec<KeyInfo> {
        self.state.keys().list()
    }

    /// Disables a key: token requests with it fail with `invalid-api-key`, and its
    /// tokens fail verification until the key is enabled again.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::UnknownClientId`] when no key has `client_id`.
    pub fn disable_key(&self, client_id: &str) -> Result<(), EmulatorError> {
        self.state.keys().set_enabled(client_id, false)
    }

    /// Enables a disabled key.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::UnknownClientId`] when no key has `client_id`.
    pub fn enable_key(&self, client_id: &str) -> Result<(), EmulatorError> {
        self.state.keys().set_enabled(client_id, true)
    }

    /// Gives a key a new random clientID and secret and returns it. The name, products
    /// and environment stay the same. The old pair and its tokens stop working at once.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::UnknownClientId`] when no key has `client_id`.
    pub fn regenerate_key(&self, client_id: &str) -> Result<ApiKey, EmulatorError> {
        self.state.keys().regenerate(client_id)
    }

    /// Deletes a key for good. Its tokens fail verification at once.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::UnknownClientId`] when no key has `client_id`.
    pub fn delete_key(&self, client_id: &str) -> Result<(), EmulatorError> {
        self.state.keys().delete(client_id)
    }

    /// Sets the lifetime in seconds of new tokens from `POST /api/v2/auth/token`.
    ///
    /// A value outside 1 to [`MAX_TOKEN_LIFETIME`](crate::MAX_TOKEN_LIFETIME) is
    /// ignored with a warning log.
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.set_global_lifetime(Flavor::V2, seconds);
    }

    /// Sets the lifetime in seconds of new tokens from `POST /v1/users/login`.
    ///
    /// A value outside 1 to [`MAX_TOKEN_LIFETIME`](crate::MAX_TOKEN_LIFETIME) is
    /// ignored with a warning log.
    pub fn set_login_token_lifetime(&self, seconds: u64) {
        self.set_global_lifetime(Flavor::Login, seconds);
    }

    fn set_global_lifetime(&self, flavor: Flavor, seconds: u64) {
        if let Err(error) = self.state.set_lifetime(flavor, seconds) {
            tracing::warn!(%error, ?flavor, "emulator ignored a token lifetime");
        }
    }

    /// Sets or, with `None`, clears a key's own token lifetime, which overrides both
    /// global lifetimes.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::UnknownClientId`] when no key has `client_id`, and
    /// [`EmulatorError::InvalidLifetime`] for 0 or more than
    /// [`MAX_TOKEN_LIFETIME`](crate::MAX_TOKEN_LIFETIME).
    pub fn set_key_token_lifetime(
        &self,
        client_id: &str,
        seconds: Option<u64>,
    ) -> Result<(), EmulatorError> {
        self.state.keys().set_token_lifetime(client_id, seconds)
    }

    /// Sets the clock skew: the emulator's clock reads the real time plus `seconds`.
    /// The skew moves `iat` and `exp` of new tokens, the `Date` header and the expiry
    /// check of the sample endpoint.
    ///
    /// A skew of more than [`MAX_CLOCK_SKEW_SECONDS`](crate::MAX_CLOCK_SKEW_SECONDS)
    /// either way is ignored with a warning log.
    pub fn set_clock_skew(&self, seconds: i64) {
        if let Err(error) = self.state.set_clock_skew(seconds) {
            tracing::warn!(%error, "emulator ignored a clock skew");
        }
    }

    /// Queues a fault for the next matching token requests. Faults apply in the order
    /// they were pushed. A fault with `times == 0` is not queued.
    pub fn push_fault(&self, fault: Fault) {
        self.state.push_fault(fault);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    /// Returns the request counters.
    pub fn stats(&self) -> EmulatorStats {
        self.state.counters.snapshot()
    }

    /// Sets every request counter to zero.
    pub fn reset_stats(&self) {
        self.state.counters.reset();
    }

    /// Returns the RS256 public key as a PEM-encoded SubjectPublicKeyInfo.
    pub fn public_key_pem(&self) -> String {
        self.state.signer.public_key_pem()
    }

    /// Returns the public key as a JSON Web Key Set:
    /// `{"keys":[{"kty":"RSA","n":..,"e":..,"alg":"RS256","use":"sig","kid":..}]}`.
    pub fn jwks(&self) -> serde_json::Value {
        self.state.signer.jwks()
    }

    /// Stops the server, aborts open connections and joins the thread. Dropping the
    /// handle does the same.
    pub fn shutdown(mut self) {
        self.server.stop();
        tracing::info!(addr = %self.addr, "emulator shut down");
    }
}
