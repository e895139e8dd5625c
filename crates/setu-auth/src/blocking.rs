//! [`BlockingTokenManager`]: the engine for callers without an async runtime, such as C
//! programs, JVM threads and Python code.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

use arc_swap::ArcSwap;
use reqwest::header::HeaderMap;
use tokio::runtime::{Handle, Runtime};

use crate::config::Config;
use crate::error::{Error, ErrorCode};
use crate::manager::TokenManager;
use crate::secret::Secret;
use crate::state::lock;
use crate::stats::Stats;
use crate::token::Token;

/// A token manager with its own runtime and blocking methods.
///
/// It owns one background thread, which runs every request. Blocking methods fail with
/// [`ErrorCode::BlockingInRuntime`] when called on that thread (from a task spawned on
/// [`BlockingTokenManager::runtime`]), where waiting would deadlock. Called from an async
/// task of another runtime they work, but block that runtime's thread while they wait:
/// prefer [`TokenManager`] there.
///
/// After `fork()`, the child's first call builds a fresh runtime and cache: the parent's
/// threads do not exist in the child, and its connections must not be shared. Counters
/// start again from zero in the child.
pub struct BlockingTokenManager {
    local: ArcSwap<Local>,
    config: Mutex<Config>,
    closed: AtomicBool,
}

struct Local {
    fork_epoch: u64,
    runtime: Option<Runtime>,
    manager: TokenManager,
}

impl BlockingTokenManager {
    /// Creates a manager and its runtime thread.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidConfig`] naming the invalid setting, or [`ErrorCode::Internal`]
    /// when the runtime thread cannot start.
    pub fn new(config: Config) -> Result<Self, Error> {
        let local = Local::start(&config)?;
        Ok(Self {
            local: ArcSwap::from_pointee(local),
            config: Mutex::new(config),
            closed: AtomicBool::new(false),
        })
    }

    /// Returns a usable token, waiting for a token request if none is cached.
    ///
    /// # Errors
    ///
    /// As [`TokenManager::token`], plus [`ErrorCode::BlockingInRuntime`].
    pub fn token(&self) -> Result<Token, Error> {
        check_not_engine_thread()?;
        let local = self.local()?;
        if let Some(token) = local.manager.cached_token() {
            return Ok(token);
        }
        local.block_on(local.manager.token())
    }

    /// Fetches a new token even if the cached one is still usable.
    ///
    /// # Errors
    ///
    /// As [`TokenManager::refresh`], plus [`ErrorCode::BlockingInRuntime`].
    pub fn refresh(&self) -> Result<Token, Error> {
        let local = self.local()?;
        let manager = local.manager.clone();
        local.block_on(async move { manager.refresh().await })
    }

    /// Discards the cached token if it is still `token`; see [`TokenManager::invalidate`].
    pub fn invalidate(&self, token: &str) -> bool {
        match self.local() {
            Ok(local) => local.manager.invalidate(token),
            Err(_) => false,
        }
    }

    /// Replaces the API key; see [`TokenManager::set_credentials`].
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidConfig`] for an empty or malformed value, or
    /// [`ErrorCode::Closed`].
    pub fn set_credentials(
        &self,
        client_id: impl Into<String>,
        secret: impl Into<Secret>,
    ) -> Result<(), Error> {
        let (client_id, secret) = (client_id.into(), secret.into());
        let local = self.local()?;
        let mut config = lock(&self.config);
        local
            .manager
            .set_credentials(client_id.clone(), secret.clone())?;

        config.client_id = client_id;
        config.secret = secret;
        Ok(())
    }

    /// Returns the `Authorization` header value, `Bearer <token>`.
    ///
    /// # Errors
    ///
    /// As [`BlockingTokenManager::token`].
    pub fn auth_header(&self) -> Result<String, Error> {
        Ok(self.token()?.bearer())
    }

    /// Returns the headers for a Setu API call; see [`TokenManager::auth_headers`].
    ///
    /// # Errors
    ///
    /// As [`BlockingTokenManager::token`].
    pub fn auth_headers(&self) -> Result<HeaderMap, Error> {
        let token = self.token()?;
        Ok(self.local()?.manager.headers_for(&token))
    }

    /// Returns the cached token if it is usable, without waiting.
    pub fn cached_token(&self) -> Option<Token> {
        self.local().ok()?.manager.cached_token()
    }

    /// Returns the configured product instance ID.
    pub fn product_instance_id(&self) -> Option<String> {
        lock(&self.config).product_instance_id.clone()
    }

    /// Returns the clientID in use.
    pub fn client_id(&self) -> String {
        lock(&self.config).client_id.clone()
    }

    /// Returns the counters of the manager in this process.
    pub fn stats(&self) -> Stats {
        self.local.load().manager.stats()
    }

    /// Returns the async manager behind this one, to await it from the runtime returned
    /// by [`BlockingTokenManager::runtime`].
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Closed`] after [`BlockingTokenManager::close`].
    pub fn manager(&self) -> Result<TokenManager, Error> {
        Ok(self.local()?.manager.clone())
    }

    /// Returns a handle to this manager's runtime.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Closed`] after [`BlockingTokenManager::close`].
    pub fn runtime(&self) -> Result<Handle, Error> {
        let local = self.local()?;
        Ok(local.manager.inner_runtime())
    }

    /// Stops background work; later calls fail with [`ErrorCode::Closed`].
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.local.load().manager.close();
    }

    /// Returns the state for this process, rebuilding it in a forked child.
    fn local(&self) -> Result<Arc<Local>, Error> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::closed());
        }

        let local = self.local.load_full();
        if local.fork_epoch == fork_epoch() {
            return Ok(local);
        }
        self.rebuild_after_fork()
    }

    #[cold]
    fn rebuild_after_fork(&self) -> Result<Arc<Local>, Error> {
        let config = lock(&self.config);
        let current = self.local.load_full();
        if current.fork_epoch == fork_epoch() {
            return Ok(current);
        }

        let fresh = Arc::new(Local::start(&config)?);
        let stale = self.local.swap(Arc::clone(&fresh));
        drop(current);
        // The parent's runtime threads do not exist here, and its sockets are shared with the
        // parent, so the old state is leaked rather than shut down.
        std::mem::forget(stale);
        tracing::debug!(target: "setu_auth", "rebuilt the token manager in a forked child");
        Ok(fresh)
    }
}

impl Local {
    fn start(config: &Config) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("setu-auth")
            .on_thread_start(|| ENGINE_THREAD.set(true))
            .enable_all()
            .build()
            .map_err(|error| {
                Error::new(
                    ErrorCode::Internal,
                    format!("failed to start the setu-auth runtime thread: {error}"),
                )
            })?;
        let manager = TokenManager::builder()
            .config(config.clone())
            .runtime(runtime.handle().clone())
            .build()?;

        Ok(Self {
            fork_epoch: fork_epoch(),
            runtime: Some(runtime),
            manager,
        })
    }

    /// Runs `future` on this manager's runtime and waits for it on the calling thread.
    ///
    /// Waiting on one of the runtime's own threads would deadlock, so it fails there. Other
    /// threads may wait, including async tasks of other runtimes, which it blocks.
    fn block_on<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> Result<T, Error> {
        check_not_engine_thread()?;
        let Some(runtime) = &self.runtime else {
            return Err(Error::closed());
        };

        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            let _ = sender.send(future.await);
        });
        receiver.recv().unwrap_or_else(|_| Err(Error::closed()))
    }
}

thread_local! {
    /// Whether this thread belongs to a blocking manager's runtime.
    static ENGINE_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Fails on a runtime thread of a blocking manager, where waiting could deadlock.
fn check_not_engine_thread() -> Result<(), Error> {
    if ENGINE_THREAD.get() {
        return Err(Error::new(
            ErrorCode::BlockingInRuntime,
            "a blocking setu-auth call was made on the engine's own runtime thread, where it \
             would deadlock: use the async TokenManager there",
        ));
    }
    Ok(())
}

impl Drop for Local {
    fn drop(&mut self) {
        self.manager.close();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for BlockingTokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingTokenManager")
            .field("manager", &self.local.load().manager)
            .finish()
    }
}

static FORK_EPOCH: AtomicU64 = AtomicU64::new(0);

/// Returns how many times this process is a forked child of a process that used the engine.
fn fork_epoch() -> u64 {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(register_fork_handler);
    FORK_EPOCH.load(Ordering::Relaxed)
}

#[cfg(unix)]
fn register_fork_handler() {
    extern "C" fn after_fork_in_child() {
        FORK_EPOCH.fetch_add(1, Ordering::Relaxed);
    }

    // SAFETY: the handler only increments an atomic, which is async-signal-safe, and
    // function pointers registered here stay valid for the life of the process.
    let status = unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    if status != 0 {
        tracing::warn!(target: "setu_auth", status, "failed to register the fork handler");
    }
}

#[cfg(not(unix))]
fn register_fork_handler() {}
