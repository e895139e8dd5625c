//! The tokio runtime that runs every manager's requests and background refreshes.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Handle, Runtime};

use crate::error::SetuAuthError;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// Returns the shared runtime, starting it on first use with two worker threads.
pub(crate) fn handle() -> Result<Handle, SetuAuthError> {
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("setu-auth")
            .enable_all()
            .build()
            .map_err(|error| error.to_string())
    });

    match runtime {
        Ok(runtime) => Ok(runtime.handle().clone()),
        Err(message) => Err(SetuAuthError::internal(format!(
            "failed to start the setu-auth runtime threads: {message}"
        ))),
    }
}

/// Runs `future` on the shared runtime and waits for it from any executor.
pub(crate) async fn run<T, F>(future: F) -> Result<T, SetuAuthError>
where
    F: Future<Output = Result<T, SetuAuthError>> + Send + 'static,
    T: Send + 'static,
{
    match handle()?.spawn(future).await {
        Ok(result) => result,
        Err(error) => Err(SetuAuthError::internal(format!(
            "a setu-auth task failed: {error}"
        ))),
    }
}

/// Blocks the calling thread on `future`, refusing to do so from inside a tokio runtime,
/// where blocking could deadlock.
pub(crate) fn block_on<T, F>(future: F) -> Result<T, SetuAuthError>
where
    F: Future<Output = Result<T, SetuAuthError>>,
{
    if Handle::try_current().is_ok() {
        return Err(SetuAuthError::from(setu_auth::Error::new(
            setu_auth::ErrorCode::BlockingInRuntime,
            "a blocking method was called from inside an async runtime: call the async method instead",
        )));
    }
    handle()?.block_on(future)
}
