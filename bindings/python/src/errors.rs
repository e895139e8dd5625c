//! Conversion of engine errors into the exceptions of `setu_auth.errors`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use setu_auth::{Error, ErrorCode};

/// Returns the stable codes of every error kind, in documentation order.
pub fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|code| code.as_str()).collect()
}

/// Converts an engine error into the matching `SetuAuthError` subclass.
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    match build(py, error) {
        Ok(exception) => PyErr::from_value(exception),
        Err(failure) => failure,
    }
}

/// Returns an error of kind `code` with `message`, converted to an exception.
pub fn new_py(py: Python<'_>, code: ErrorCode, message: impl Into<String>) -> PyErr {
    to_py(py, &Error::new(code, message))
}

fn build<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyAny>> {
    static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let factory = FACTORY.get_or_try_init(py, || {
        let module = py.import("setu_auth.errors")?;
        module.getattr("_from_engine").map(Bound::unbind)
    })?;

    let retry_after = error.retry_after().map(|delay| delay.as_secs_f64());
    factory
        .bind(py)
        .call1((
            error.code().as_str(),
            error.to_string(),
            error.setu_code(),
            error.status(),
            error.trace_id(),
            error.is_retryable(),
            retry_after,
        ))
        .map_err(|failure| {
            let fallback = PyRuntimeError::new_err(error.to_string());
            fallback.set_cause(py, Some(failure));
            fallback
        })
}
