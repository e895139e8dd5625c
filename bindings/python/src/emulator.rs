//! `Emulator`: the Setu emulator in-process, for tests. The Python wrapper
//! `setu_auth.testing.Emulator` gives it typed results and a context manager.

use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use setu_auth_emulator::{
    Emulator as Server, EmulatorConfig, EmulatorError, Environment, Fault, KeySpec,
    MAX_CLOCK_SKEW_SECONDS, MAX_TOKEN_LIFETIME,
};

/// A running emulator on a free port of 127.0.0.1.
#[pyclass(frozen, weakref, module = "setu_auth._native")]
pub struct Emulator {
    server: Mutex<Option<Server>>,
    url: String,
    pid: u32,
}

#[pymethods]
impl Emulator {
    /// Starts an emulator. Lifetimes are in seconds; `environment` is `sandbox` or
    /// `production`.
    #[new]
    #[pyo3(signature = (*, token_lifetime=None, login_token_lifetime=None, environment=None))]
    fn new(
        py: Python<'_>,
        token_lifetime: Option<u64>,
        login_token_lifetime: Option<u64>,
        environment: Option<String>,
    ) -> PyResult<Self> {
        let mut config = EmulatorConfig::default();
        if let Some(seconds) = token_lifetime {
            config.token_lifetime = lifetime(seconds)?;
        }
        if let Some(seconds) = login_token_lifetime {
            config.login_token_lifetime = lifetime(seconds)?;
        }
        if let Some(name) = environment {
            config.environment = parse_environment(&name)?;
        }

        let server = py.detach(|| Server::start(config)).map_err(to_py)?;
        Ok(Self {
            url: server.url(),
            server: Mutex::new(Some(server)),
            pid: std::process::id(),
        })
    }

    /// The base URL, such as `http://127.0.0.1:41234`.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// Creates an API key and returns its JSON form, secret included.
    #[pyo3(signature = (*, name=None, products=None, client_id=None, secret=None,
                        token_lifetime=None, environment=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_key(
        &self,
        py: Python<'_>,
        name: Option<String>,
        products: Option<Vec<String>>,
        client_id: Option<String>,
        secret: Option<String>,
        token_lifetime: Option<u64>,
        environment: Option<String>,
    ) -> PyResult<String> {
        let spec = KeySpec {
            environment: environment.as_deref().map(parse_environment).transpose()?,
            name: name.unwrap_or_default(),
            products: products.unwrap_or_default(),
            client_id,
            secret,
            token_lifetime: token_lifetime.map(lifetime).transpose()?,
        };
        let key = self.with(py, |server| server.create_key(spec).map_err(to_py))?;
        json(&key)
    }

    /// Returns the keys, without secrets, as a JSON list.
    fn list_keys(&self, py: Python<'_>) -> PyResult<String> {
        let keys = self.with(py, |server| Ok(server.list_keys()))?;
        json(&keys)
    }

    /// Makes token requests with the key fail with `invalid-api-key`.
    fn disable_key(&self, py: Python<'_>, client_id: &str) -> PyResult<()> {
        self.with(py, |server| server.disable_key(client_id).map_err(to_py))
    }

    /// Lets token requests with the key succeed again.
    fn enable_key(&self, py: Python<'_>, client_id: &str) -> PyResult<()> {
        self.with(py, |server| server.enable_key(client_id).map_err(to_py))
    }

    /// Replaces the key's clientID and secret; returns the new key's JSON form.
    fn regenerate_key(&self, py: Python<'_>, client_id: &str) -> PyResult<String> {
        let key = self.with(py, |server| server.regenerate_key(client_id).map_err(to_py))?;
        json(&key)
    }

    /// Deletes the key.
    fn delete_key(&self, py: Python<'_>, client_id: &str) -> PyResult<()> {
        self.with(py, |server| server.delete_key(client_id).map_err(to_py))
    }

    /// Sets the lifetime in seconds of new v2 tokens.
    fn set_token_lifetime(&self, py: Python<'_>, seconds: u64) -> PyResult<()> {
        let seconds = lifetime(seconds)?;
        self.act(py, |server| server.set_token_lifetime(seconds))
    }

    /// Sets the lifetime in seconds of new login-flavour tokens.
    fn set_login_token_lifetime(&self, py: Python<'_>, seconds: u64) -> PyResult<()> {
        let seconds = lifetime(seconds)?;
        self.act(py, |server| server.set_login_token_lifetime(seconds))
    }

    /// Sets, or with `None` clears, one key's own token lifetime in seconds.
    #[pyo3(signature = (client_id, seconds))]
    fn set_key_token_lifetime(
        &self,
        py: Python<'_>,
        client_id: &str,
        seconds: Option<u64>,
    ) -> PyResult<()> {
        self.with(py, |server| {
            server
                .set_key_token_lifetime(client_id, seconds)
                .map_err(to_py)
        })
    }

    /// Moves the emulator's wall clock by `seconds` from the real time.
    fn set_clock_skew(&self, py: Python<'_>, seconds: i64) -> PyResult<()> {
        if seconds.abs() > MAX_CLOCK_SKEW_SECONDS {
            return Err(PyValueError::new_err(format!(
                "invalid clock skew {seconds} s: pass a value from -{MAX_CLOCK_SKEW_SECONDS} \
                 to {MAX_CLOCK_SKEW_SECONDS} seconds"
            )));
        }
        self.act(py, |server| server.set_clock_skew(seconds))
    }

    /// Queues a fault given in the emulator's JSON form.
    fn push_fault(&self, py: Python<'_>, fault_json: &str) -> PyResult<()> {
        let fault: Fault = serde_json::from_str(fault_json)
            .map_err(|error| PyValueError::new_err(format!("invalid fault: {error}")))?;
        self.act(py, |server| server.push_fault(fault))
    }

    /// Drops every queued fault.
    fn clear_faults(&self, py: Python<'_>) -> PyResult<()> {
        self.act(py, |server| server.clear_faults())
    }

    /// Returns the request counters as a JSON object.
    fn stats(&self, py: Python<'_>) -> PyResult<String> {
        let stats = self.with(py, |server| Ok(server.stats()))?;
        json(&stats)
    }

    /// Sets every request counter to zero.
    fn reset_stats(&self, py: Python<'_>) -> PyResult<()> {
        self.act(py, |server| server.reset_stats())
    }

    /// Stops the server. Calling it again does nothing.
    fn stop(&self, py: Python<'_>) {
        let server = self.lock().take();
        if let Some(server) = server {
            py.detach(|| server.shutdown());
        }
    }

    /// Whether `stop()` was called.
    #[getter]
    fn stopped(&self) -> bool {
        self.lock().is_none()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Emulator url={:?} stopped={}>",
            self.url,
            self.lock().is_none()
        )
    }
}

impl Emulator {
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        action: impl FnOnce(&Server) -> PyResult<T> + Send,
    ) -> PyResult<T> {
        py.detach(|| match self.lock().as_ref() {
            Some(server) => action(server),
            None => Err(PyRuntimeError::new_err(
                "the emulator is stopped: start a new one",
            )),
        })
    }

    fn act(&self, py: Python<'_>, action: impl FnOnce(&Server) + Send) -> PyResult<()> {
        self.with(py, |server| {
            action(server);
            Ok(())
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Server>> {
        self.server.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if std::process::id() != self.pid {
            // A forked child has no server thread to join; the parent still owns it.
            std::mem::forget(self.lock().take());
        }
    }
}

/// Adds the emulator's argument limits to the module, so the Python wrapper checks
/// arguments before they reach a fixed-width integer.
pub fn add_limits(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("EMULATOR_MAX_TOKEN_LIFETIME", MAX_TOKEN_LIFETIME)?;
    module.add("EMULATOR_MAX_CLOCK_SKEW", MAX_CLOCK_SKEW_SECONDS)?;
    Ok(())
}

fn lifetime(seconds: u64) -> PyResult<u64> {
    if (1..=MAX_TOKEN_LIFETIME).contains(&seconds) {
        return Ok(seconds);
    }
    Err(PyValueError::new_err(format!(
        "invalid token lifetime {seconds} s: pass a value from 1 to {MAX_TOKEN_LIFETIME} seconds"
    )))
}

fn parse_environment(name: &str) -> PyResult<Environment> {
    name.parse().map_err(to_py)
}

fn to_py(error: EmulatorError) -> PyErr {
    match error {
        EmulatorError::Bind { .. } | EmulatorError::Startup { .. } => {
            PyRuntimeError::new_err(error.to_string())
        }
        _ => PyValueError::new_err(error.to_string()),
    }
}

fn json(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|error| PyRuntimeError::new_err(error.to_string()))
}
