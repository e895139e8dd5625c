//! Python binding of the setu-auth token engine: the `setu_auth._native` extension module.
//!
//! The Python package `setu_auth` wraps these classes with its exceptions, integrations and
//! test helpers. This crate converts types and sets up runtimes; the token logic lives in
//! the `setu-auth` engine.

mod async_manager;
mod bench;
mod config;
mod core;
mod emulator;
mod errors;
mod fork;
mod logging;
mod manager;
mod wait;

use pyo3::prelude::*;

/// The extension module `setu_auth._native`.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<manager::TokenManager>()?;
    module.add_class::<async_manager::AsyncTokenManager>()?;
    module.add_class::<async_manager::Ready>()?;
    module.add_class::<emulator::Emulator>()?;
    module.add_class::<bench::FloorForBenchmark>()?;
    module.add_function(wrap_pyfunction!(logging::sync_log_level, module)?)?;
    module.add_function(wrap_pyfunction!(logging::interpreter_exiting, module)?)?;
    module.add("ERROR_CODES", errors::error_codes())?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    emulator::add_limits(module)?;

    logging::install();
    Ok(())
}
