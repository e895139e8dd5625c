//! `TokenManager`: the blocking Python manager. Calls that wait release the GIL.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use setu_auth::ErrorCode;

use crate::async_manager::running_loop;
use crate::config::Settings;
use crate::core::Core;
use crate::errors;
use crate::logging;
use crate::wait;

/// Fetches, caches and renews Setu bearer tokens, with blocking methods.
#[pyclass(frozen, weakref, module = "setu_auth._native")]
pub struct TokenManager {
    core: Core,
}

#[pymethods]
impl TokenManager {
    /// Creates a manager; see the package documentation for every argument.
    #[new]
    #[pyo3(signature = (
        *, client_id, secret, environment=None, base_url=None, flavor=None,
        product_instance_id=None, refresh_share=None, jitter_share=None, min_remaining=None,
        default_lifetime=None, min_backoff=None, max_backoff=None, negative_ttl=None,
        max_retry_after=None, connect_timeout=None, request_timeout=None, store=None,
        store_dir=None, redis_url=None, redis_timeout=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client_id: String,
        secret: String,
        environment: Option<String>,
        base_url: Option<String>,
        flavor: Option<String>,
        product_instance_id: Option<String>,
        refresh_share: Option<f64>,
        jitter_share: Option<f64>,
        min_remaining: Option<f64>,
        default_lifetime: Option<f64>,
        min_backoff: Option<f64>,
        max_backoff: Option<f64>,
        negative_ttl: Option<f64>,
        max_retry_after: Option<f64>,
        connect_timeout: Option<f64>,
        request_timeout: Option<f64>,
        store: Option<String>,
        store_dir: Option<String>,
        redis_url: Option<String>,
        redis_timeout: Option<f64>,
    ) -> PyResult<Self> {
        let settings = Settings {
            client_id,
            secret,
            environment: environment.unwrap_or_else(|| "sandbox".into()),
            base_url,
            flavor: flavor.unwrap_or_else(|| "v2".into()),
            product_instance_id,
            refresh_share,
            jitter_share,
            min_remaining,
            default_lifetime,
            min_backoff,
            max_backoff,
            negative_ttl,
            max_retry_after,
            connect_timeout,
            request_timeout,
            store,
            store_dir,
            redis_url,
            redis_timeout,
        };
        Ok(Self {
            core: start(py, settings)?,
        })
    }

    /// Returns a usable token, waiting for a token request when none is cached.
    fn token(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        match self.core.hot(py) {
            Some(token) => Ok(token),
            None => self.token_slow(py),
        }
    }

    /// Returns the cached token if it is usable, or `None`, without waiting.
    fn cached_token(&self, py: Python<'_>) -> Option<Py<PyString>> {
        self.core.cached(py)
    }

    /// Fetches a new token even if the cached one is still usable.
    fn refresh(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        reject_inside_event_loop(py, "refresh")?;
        logging::sync_from_python(py);
        self.core.forget(py);

        let token = wait::run(
            py,
            self.core.engine(),
            |engine| engine.refresh(),
            |manager| async move { manager.refresh().await },
        )?;
        Ok(self.core.text_for(py, &token))
    }

    /// Reports that the server rejected `token` with a 401; returns whether the cached
    /// token was discarded.
    fn invalidate(&self, py: Python<'_>, token: &str) -> bool {
        self.core.invalidate(py, token)
    }

    /// Replaces the API key, for example after it was regenerated.
    fn set_credentials(&self, py: Python<'_>, client_id: String, secret: String) -> PyResult<()> {
        self.core
            .engine()
            .set_credentials(client_id, secret)
            .map_err(|e| errors::to_py(py, &e))?;
        self.core.forget(py);
        Ok(())
    }

    /// Returns the headers for a Setu API call.
    fn auth_headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let token = self.token(py)?;
        self.core.headers(py, &token.bind(py).to_cow()?)
    }

    /// Returns the manager's counters.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.core.stats(py)
    }

    /// Stops background work; later calls raise `ClosedError`.
    fn close(&self, py: Python<'_>) {
        self.core.close(py);
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.core.engine().manager().is_err()
    }

    /// The clientID in use.
    #[getter]
    fn client_id(&self) -> String {
        self.core.engine().client_id()
    }

    /// The configured product instance ID.
    #[getter]
    fn product_instance_id(&self) -> Option<String> {
        self.core.engine().product_instance_id()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) {
        self.core.close(py);
    }

    fn __repr__(&self) -> String {
        self.core.describe("TokenManager")
    }
}

impl TokenManager {
    fn token_slow(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        if let Some(token) = self.core.cached(py) {
            return Ok(token);
        }
        reject_inside_event_loop(py, "token")?;
        logging::sync_from_python(py);

        let token = wait::run(
            py,
            self.core.engine(),
            |engine| engine.token(),
            |manager| async move { manager.token().await },
        )?;
        Ok(self.core.text_for(py, &token))
    }
}

/// Checks the settings and starts the engine, with the GIL released while threads start.
pub fn start(py: Python<'_>, settings: Settings) -> PyResult<Core> {
    logging::sync_from_python(py);
    let config = settings.into_config(py)?;
    py.detach(|| Core::new(config))
        .map_err(|e| errors::to_py(py, &e))
}

/// Raises `BlockingInRuntimeError` when called on a thread that runs an asyncio event loop,
/// where waiting for a token request would freeze every task of the loop.
fn reject_inside_event_loop(py: Python<'_>, method: &str) -> PyResult<()> {
    if running_loop(py)?.is_none() {
        return Ok(());
    }

    Err(errors::new_py(
        py,
        ErrorCode::BlockingInRuntime,
        format!(
            "TokenManager.{method}() would block the running asyncio event loop while it waits \
             for a token request: use AsyncTokenManager and await it, or call this method \
             from another thread (asyncio.to_thread)"
        ),
    ))
}
