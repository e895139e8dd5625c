//! Blocking waits that stay interruptible: the wait runs in short slices with the GIL
//! released, and pending signals are handled between slices, so Ctrl-C raises
//! `KeyboardInterrupt` promptly instead of when the token request ends.

use std::future::Future;
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::time::Duration;

use pyo3::prelude::*;
use setu_auth::{BlockingTokenManager, Error, ErrorCode, Token, TokenManager};

use crate::errors;

/// How long one slice of a wait lasts before pending signals are handled.
const SLICE: Duration = Duration::from_millis(50);

/// Runs `work` on the engine's runtime and waits for its result, handling signals between
/// slices. An interrupted wait leaves the request running in the engine for other
/// callers. On a thread that already runs inside a Tokio runtime, `blocking` runs
/// instead, so the engine itself reports a call that would deadlock. Off the main
/// thread `blocking` runs too, because signals reach only the main thread.
pub fn run<B, W, Fut>(
    py: Python<'_>,
    engine: &BlockingTokenManager,
    blocking: B,
    work: W,
) -> PyResult<Token>
where
    B: FnOnce(&BlockingTokenManager) -> Result<Token, Error> + Send,
    W: FnOnce(TokenManager) -> Fut,
    Fut: Future<Output = Result<Token, Error>> + Send + 'static,
{
    // Only the main thread handles signals. Other threads wait in one piece, as a daemon
    // thread must not take the GIL back while the interpreter shuts down.
    if tokio::runtime::Handle::try_current().is_ok() || !on_main_thread(py)? {
        return py
            .detach(|| blocking(engine))
            .map_err(|e| errors::to_py(py, &e));
    }

    let manager = engine.manager().map_err(|e| errors::to_py(py, &e))?;
    let runtime = engine.runtime().map_err(|e| errors::to_py(py, &e))?;
    let (sender, receiver) = sync_channel(1);
    let task = work(manager);
    runtime.spawn(async move {
        let _ = sender.send(task.await);
    });

    let mut receiver = receiver;
    loop {
        let (back, slice) = py.detach(move || {
            let slice = receiver.recv_timeout(SLICE);
            (receiver, slice)
        });
        receiver = back;

        match slice {
            Ok(result) => return result.map_err(|e| errors::to_py(py, &e)),
            Err(RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(RecvTimeoutError::Disconnected) => return Err(stopped(py)),
        }
    }
}

/// Returns whether this is the thread on which Python runs signal handlers.
fn on_main_thread(py: Python<'_>) -> PyResult<bool> {
    let threading = py.import("threading")?;
    let main = threading.call_method0("main_thread")?.getattr("ident")?;
    let current = threading.call_method0("get_ident")?;
    main.eq(current)
}

/// Returns the error for a request whose runtime stopped before it finished, as after
/// `close()`.
fn stopped(py: Python<'_>) -> PyErr {
    errors::new_py(
        py,
        ErrorCode::Closed,
        "the token manager was closed while this call waited for a token",
    )
}
