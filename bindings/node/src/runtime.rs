//! The tokio runtime that runs every manager's requests and background refresh.
//!
//! Its threads are not part of Node's event loop, so they never keep a process alive, and
//! one runtime serves every manager and every worker thread of the process.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::error::internal;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// Returns the handle of the shared runtime, starting it on first use.
pub fn handle() -> napi::Result<Handle> {
    let runtime = RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("setu-auth")
            .enable_all()
            .build()
            .map_err(|error| format!("failed to start the setu-auth runtime: {error}"))
    });

    match runtime {
        Ok(runtime) => Ok(runtime.handle().clone()),
        Err(message) => Err(internal(message)),
    }
}
