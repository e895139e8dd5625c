//! `AsyncTokenManager`: awaitable methods that never block the event loop. Waiting happens
//! on the engine's runtime thread; the result reaches the loop through
//! `call_soon_threadsafe`.

use std::future::Future;
use std::sync::Arc;

use pyo3::exceptions::{PyRuntimeError, PyStopIteration};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use setu_auth::{Error, Token};

use crate::config::Settings;
use crate::core::Core;
use crate::errors;
use crate::logging;
use crate::manager::start;

/// Turns a token into the value an awaitable resolves to.
type Convert = fn(Python<'_>, &Core, &Token) -> PyResult<Py<PyAny>>;

/// Fetches, caches and renews Setu bearer tokens, with awaitable methods for asyncio.
#[pyclass(frozen, weakref, module = "setu_auth._native")]
pub struct AsyncTokenManager {
    core: Arc<Core>,
}

#[pymethods]
impl AsyncTokenManager {
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
            core: Arc::new(start(py, settings)?),
        })
    }

    /// Returns a coroutine of a usable token.
    fn token(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if let Some(token) = self.core.hot(py).or_else(|| self.core.fresh(py)) {
            return coroutine(py, ready(py, token.into_any())?);
        }
        let future = self.spawn(py, as_text, |manager| async move { manager.token().await })?;
        coroutine(py, future)
    }

    /// Returns the cached token if it is usable, or `None`, without waiting.
    fn cached_token(&self, py: Python<'_>) -> Option<Py<pyo3::types::PyString>> {
        self.core.cached(py)
    }

    /// Returns a coroutine of a new token, fetched even if the cached one is usable.
    fn refresh(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.core.forget(py);
        let future = self.spawn(
            py,
            as_text,
            |manager| async move { manager.refresh().await },
        )?;
        coroutine(py, future)
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

    /// Returns a coroutine of the headers for a Setu API call.
    fn auth_headers(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if let Some(token) = self.core.hot(py).or_else(|| self.core.fresh(py)) {
            let headers = self.core.headers(py, &token.bind(py).to_cow()?)?;
            return coroutine(py, ready(py, headers.into_any().unbind())?);
        }
        let future = self.spawn(
            py,
            as_headers,
            |manager| async move { manager.token().await },
        )?;
        coroutine(py, future)
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

    fn __aenter__(slf: Py<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ready(py, slf.into_any())
    }

    #[pyo3(signature = (*_args))]
    fn __aexit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        self.core.close(py);
        ready(py, py.None())
    }

    fn __repr__(&self) -> String {
        self.core.describe("AsyncTokenManager")
    }
}

impl AsyncTokenManager {
    /// Runs `work` on the engine's runtime and returns an asyncio future of its result.
    fn spawn<F, Fut>(&self, py: Python<'_>, convert: Convert, work: F) -> PyResult<Py<PyAny>>
    where
        F: FnOnce(setu_auth::TokenManager) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        let Some(event_loop) = running_loop(py)? else {
            return Err(PyRuntimeError::new_err(
                "AsyncTokenManager methods must be awaited inside a running asyncio event \
                 loop: use TokenManager in synchronous code",
            ));
        };
        logging::sync_from_python(py);

        let engine = self.core.engine();
        let manager = engine.manager().map_err(|e| errors::to_py(py, &e))?;
        let runtime = engine.runtime().map_err(|e| errors::to_py(py, &e))?;
        let future = event_loop.call_method0("create_future")?;

        let delivery = Delivery {
            core: Arc::clone(&self.core),
            event_loop: event_loop.unbind(),
            future: future.clone().unbind(),
            convert,
        };
        let task = work(manager);
        runtime.spawn(async move { delivery.deliver(task.await) });
        Ok(future.unbind())
    }
}

/// The event loop and future that receive a finished engine call's result.
struct Delivery {
    core: Arc<Core>,
    event_loop: Py<PyAny>,
    future: Py<PyAny>,
    convert: Convert,
}

impl Delivery {
    fn deliver(self, result: Result<Token, Error>) {
        if logging::interpreter_is_exiting() {
            // The objects are leaked on purpose: attaching to a finishing interpreter to
            // drop them could block this thread for ever.
            std::mem::forget(self);
            return;
        }

        Python::attach(|py| {
            let (ok, value) = match result {
                Ok(token) => match (self.convert)(py, &self.core, &token) {
                    Ok(value) => (true, value),
                    Err(failure) => (false, failure.into_value(py).into_any()),
                },
                Err(error) => (false, errors::to_py(py, &error).into_value(py).into_any()),
            };
            if let Err(failure) = self.post(py, ok, value) {
                // The loop was closed before the result arrived, so no caller awaits it.
                drop(failure);
            }
        });
    }

    fn post(&self, py: Python<'_>, ok: bool, value: Py<PyAny>) -> PyResult<()> {
        static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let resolve = RESOLVE.get_or_try_init(py, || {
            py.import("setu_auth._aio")?
                .getattr("resolve")
                .map(Bound::unbind)
        })?;

        let args = (resolve.clone_ref(py), self.future.clone_ref(py), ok, value);
        self.event_loop
            .bind(py)
            .call_method1("call_soon_threadsafe", args)?;
        Ok(())
    }
}

fn as_text(py: Python<'_>, core: &Core, token: &Token) -> PyResult<Py<PyAny>> {
    Ok(core.text_for(py, token).into_any())
}

fn as_headers(py: Python<'_>, core: &Core, token: &Token) -> PyResult<Py<PyAny>> {
    let text = core.text_for(py, token);
    let headers = core.headers(py, &text.bind(py).to_cow()?)?;
    Ok(headers.into_any().unbind())
}

/// Returns the asyncio event loop running on this thread, if any.
pub fn running_loop(py: Python<'_>) -> PyResult<Option<Bound<'_, PyAny>>> {
    static RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let get = RUNNING_LOOP.get_or_try_init(py, || {
        py.import("asyncio")?
            .getattr("_get_running_loop")
            .map(Bound::unbind)
    })?;

    let event_loop = get.bind(py).call0()?;
    Ok((!event_loop.is_none()).then_some(event_loop))
}

/// Wraps an awaitable in a coroutine, so `asyncio.create_task` and `asyncio.run` accept
/// it as they accept the result of an `async def` call.
fn coroutine(py: Python<'_>, awaitable: Py<PyAny>) -> PyResult<Py<PyAny>> {
    static WAIT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let wait = WAIT.get_or_try_init(py, || {
        py.import("setu_auth._aio")?
            .getattr("wait")
            .map(Bound::unbind)
    })?;
    Ok(wait.bind(py).call1((awaitable,))?.unbind())
}

fn ready(py: Python<'_>, value: Py<PyAny>) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, Ready { value })?.into_any())
}

/// An awaitable whose result is already known: awaiting it does not suspend.
#[pyclass(frozen, module = "setu_auth._native")]
pub struct Ready {
    value: Py<PyAny>,
}

#[pymethods]
impl Ready {
    fn __await__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Err(PyStopIteration::new_err((self.value.clone_ref(py),)))
    }

    fn __repr__(&self) -> &'static str {
        "<Ready awaitable>"
    }
}
