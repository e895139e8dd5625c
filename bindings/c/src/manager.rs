//! The token manager handle and its blocking functions.

use std::ffi::c_char;
use std::ptr;

use engine::{BlockingTokenManager, Stats};

use crate::config::setu_auth_config;
use crate::error::setu_auth_error;
use crate::ffi::{guard, guard_value, handle_arg, out_arg, owned_string, str_arg};

/// A token manager: caches a Setu token, renews it in the background and merges
/// concurrent requests. Create with `setu_auth_manager_new`, free with
/// `setu_auth_manager_free`. Every function taking it is safe to call from any thread.
pub struct setu_auth_manager {
    pub(crate) inner: BlockingTokenManager,
}

/// Counters of a manager since it was created (or since `fork()` in a child process).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct setu_auth_stats {
    /// Token requests sent to Setu.
    pub token_requests: u64,
    /// Token requests that returned a usable token.
    pub token_successes: u64,
    /// Token requests that failed, for any reason.
    pub token_failures: u64,
    /// Calls served from the cache before the token's refresh point.
    pub cache_hits: u64,
    /// Calls served from the cache after the refresh point, while renewal was pending.
    pub stale_serves: u64,
    /// Calls to invalidate that discarded the current token.
    pub invalidations: u64,
}

impl From<Stats> for setu_auth_stats {
    fn from(stats: Stats) -> Self {
        Self {
            token_requests: stats.token_requests,
            token_successes: stats.token_successes,
            token_failures: stats.token_failures,
            cache_hits: stats.cache_hits,
            stale_serves: stats.stale_serves,
            invalidations: stats.invalidations,
        }
    }
}

/// Runs `read` on the manager behind `manager` and stores its string in `*out`, owned by
/// the caller, or NULL for `None`. `*out` is cleared first, so the caller never sees a stale
/// pointer after an error.
///
/// # Safety
///
/// `manager` is NULL or a live manager; `out` is NULL or valid for writes.
unsafe fn string_out(
    manager: *const setu_auth_manager,
    out: *mut *mut c_char,
    out_name: &str,
    read: impl FnOnce(&BlockingTokenManager) -> Result<Option<String>, engine::Error>,
) -> *mut setu_auth_error {
    if !out.is_null() {
        // SAFETY: the caller guarantees `out` is valid for writes.
        unsafe { *out = ptr::null_mut() };
    }
    guard(|| {
        // SAFETY: forwarded from the caller.
        let out = unsafe { out_arg(out, out_name) }?;
        // SAFETY: forwarded from the caller.
        let manager = unsafe { handle_arg(manager, "manager") }?;

        if let Some(value) = read(&manager.inner)? {
            *out = owned_string(value);
        }
        Ok(())
    })
}

/// Creates a manager from a copy of `config` and starts its runtime thread. No request is
/// sent until the first token is needed.
///
/// On success `*out` receives a handle owned by the caller, freed with
/// `setu_auth_manager_free`; `config` may be freed at once.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL argument; `SETU_AUTH_INVALID_CONFIG`
/// naming the invalid setting and the fix; `SETU_AUTH_INTERNAL` when the runtime thread
/// cannot start.
///
/// # Safety
///
/// `config` is NULL or a live configuration; `out` is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_new(
    config: *const setu_auth_config,
    out: *mut *mut setu_auth_manager,
) -> *mut setu_auth_error {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let out = unsafe { out_arg(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: forwarded from the caller.
        let config = unsafe { handle_arg(config, "config") }?.snapshot();

        let inner = BlockingTokenManager::new(config)?;
        *out = Box::into_raw(Box::new(setu_auth_manager { inner }));
        Ok(())
    })
}

/// Returns a usable token, blocking while one is requested if none is cached.
///
/// On success `*token_out` receives the token, owned by the caller and freed with
/// `setu_auth_string_free`. On failure it is set to NULL.
///
/// Thread safety: safe from any thread; concurrent callers on a cold manager share one
/// token request. Called from an asynchronous callback (the manager's runtime thread), it
/// fails with `SETU_AUTH_BLOCKING_IN_RUNTIME`, because waiting there would deadlock.
///
/// Errors: any code of the table, such as `SETU_AUTH_INVALID_CREDENTIALS` with Setu's code,
/// HTTP status and traceID, `SETU_AUTH_TIMEOUT` or `SETU_AUTH_CLOSED`.
///
/// # Safety
///
/// `manager` is NULL or a live manager; `token_out` is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_token(
    manager: *const setu_auth_manager,
    token_out: *mut *mut c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        string_out(manager, token_out, "token_out", |inner| {
            Ok(Some(inner.token()?.as_str().to_owned()))
        })
    }
}

/// Requests a new token even if the cached one is still usable, and returns it.
///
/// Ownership, thread safety and errors as `setu_auth_manager_token`.
///
/// # Safety
///
/// `manager` is NULL or a live manager; `token_out` is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_refresh(
    manager: *const setu_auth_manager,
    token_out: *mut *mut c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        string_out(manager, token_out, "token_out", |inner| {
            Ok(Some(inner.refresh()?.as_str().to_owned()))
        })
    }
}

/// Returns the `Authorization` header value, `Bearer <token>`, getting a token as
/// `setu_auth_manager_token` does.
///
/// On success `*header_out` receives the value, owned by the caller and freed with
/// `setu_auth_string_free`. Send it with the product instance ID from
/// `setu_auth_manager_product_instance_id`, when one is configured.
///
/// Thread safety and errors as `setu_auth_manager_token`.
///
/// # Safety
///
/// `manager` is NULL or a live manager; `header_out` is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_auth_header(
    manager: *const setu_auth_manager,
    header_out: *mut *mut c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        string_out(manager, header_out, "header_out", |inner| {
            Ok(Some(inner.auth_header()?))
        })
    }
}

/// Returns the configured product instance ID, to send as `X-Setu-Product-Instance-ID`.
///
/// On success `*id_out` receives the ID, owned by the caller and freed with
/// `setu_auth_string_free`, or NULL when none is configured.
///
/// Thread safety: safe from any thread; does no I/O.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL argument.
///
/// # Safety
///
/// `manager` is NULL or a live manager; `id_out` is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_product_instance_id(
    manager: *const setu_auth_manager,
    id_out: *mut *mut c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        string_out(manager, id_out, "id_out", |inner| {
            Ok(inner.product_instance_id())
        })
    }
}

/// Reports a token that an API rejected with 401. The cached token is discarded only if
/// it is still `token`, so many concurrent 401s cause one new request. Never call this
/// after a 403: a new token does not change a permission.
///
/// `*discarded_out` receives whether the cached token was discarded; `discarded_out` may
/// be NULL when the caller does not need it.
///
/// Thread safety: safe from any thread, including asynchronous callbacks; does no I/O.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL manager or a NULL or non-UTF-8 token.
///
/// # Safety
///
/// `manager` is NULL or a live manager; `token` is NULL or NUL-terminated;
/// `discarded_out` is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_invalidate(
    manager: *const setu_auth_manager,
    token: *const c_char,
    discarded_out: *mut bool,
) -> *mut setu_auth_error {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let manager = unsafe { handle_arg(manager, "manager") }?;
        // SAFETY: forwarded from the caller.
        let token = unsafe { str_arg(token, "token") }?;

        let discarded = manager.inner.invalidate(token);
        // SAFETY: the caller guarantees `discarded_out` is NULL or valid for writes.
        if let Some(out) = unsafe { discarded_out.as_mut() } {
            *out = discarded;
        }
        Ok(())
    })
}

/// Replaces the API key, after it was regenerated. Both strings are copied. The cached
/// token is discarded and the next call requests one with the new key.
///
/// Thread safety: safe from any thread; never blocks on the network.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for NULL or non-UTF-8 arguments,
/// `SETU_AUTH_INVALID_CONFIG` for an empty or malformed value, `SETU_AUTH_CLOSED`.
///
/// # Safety
///
/// `manager` is NULL or a live manager; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_set_credentials(
    manager: *const setu_auth_manager,
    client_id: *const c_char,
    secret: *const c_char,
) -> *mut setu_auth_error {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let manager = unsafe { handle_arg(manager, "manager") }?;
        // SAFETY: forwarded from the caller.
        let client_id = unsafe { str_arg(client_id, "client_id") }?;
        // SAFETY: forwarded from the caller.
        let secret = unsafe { str_arg(secret, "secret") }?;

        manager.inner.set_credentials(client_id, secret)
    })
}

/// Copies the manager's counters into `*stats_out`.
///
/// Thread safety: safe from any thread; does no I/O.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL argument.
///
/// # Safety
///
/// `manager` is NULL or a live manager; `stats_out` is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_stats(
    manager: *const setu_auth_manager,
    stats_out: *mut setu_auth_stats,
) -> *mut setu_auth_error {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let out = unsafe { out_arg(stats_out, "stats_out") }?;
        // SAFETY: forwarded from the caller.
        let manager = unsafe { handle_arg(manager, "manager") }?;

        *out = manager.inner.stats().into();
        Ok(())
    })
}

/// Stops background work. Later calls on the manager fail with `SETU_AUTH_CLOSED`; the
/// handle stays valid until `setu_auth_manager_free`. NULL is ignored.
///
/// Thread safety: safe from any thread, including asynchronous callbacks.
///
/// # Safety
///
/// `manager` is NULL or a live manager.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_close(manager: *const setu_auth_manager) {
    guard_value((), || {
        // SAFETY: the caller guarantees a live manager when not NULL.
        if let Some(manager) = unsafe { manager.as_ref() } {
            manager.inner.close();
        }
    });
}

/// Closes and frees a manager, stopping its runtime thread. NULL is ignored.
///
/// Asynchronous requests still pending get their callback with a `SETU_AUTH_CLOSED`
/// error. From an asynchronous callback the runtime is stopped by a short-lived helper
/// thread, because a thread cannot wait for its own runtime to stop.
///
/// Thread safety: no other call may use `manager` during or after this call.
///
/// # Safety
///
/// `manager` is NULL or a manager not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_free(manager: *mut setu_auth_manager) {
    if manager.is_null() {
        return;
    }
    guard_value((), || {
        // SAFETY: the caller passes a manager made by `Box::into_raw` in this library.
        let manager = unsafe { Box::from_raw(manager) };
        manager.inner.close();

        if engine_runtime_is_current() {
            std::thread::spawn(move || drop(manager));
        } else {
            drop(manager);
        }
    });
}

/// Returns whether the calling thread runs inside a tokio runtime, where dropping a
/// runtime would panic.
fn engine_runtime_is_current() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}
