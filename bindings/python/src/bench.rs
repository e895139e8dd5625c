//! The floor of the `token()` benchmark: the cheapest possible method returning a stored
//! string. It is private API, used only by the package's benchmark.

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Holds one string and returns it; the benchmark compares `TokenManager.token()` with it.
#[pyclass(frozen, module = "setu_auth._native", name = "_FloorForBenchmark")]
pub struct FloorForBenchmark {
    value: Py<PyString>,
}

#[pymethods]
impl FloorForBenchmark {
    /// Stores `value`.
    #[new]
    fn new(value: Py<PyString>) -> Self {
        Self { value }
    }

    /// Returns the stored string.
    fn value(&self, py: Python<'_>) -> Py<PyString> {
        self.value.clone_ref(py)
    }
}
