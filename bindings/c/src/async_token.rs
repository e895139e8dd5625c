//! Asynchronous token requests delivered to a C callback.

use std::ffi::{CString, c_char, c_void};
use std::ptr;

use engine::{Error, ErrorCode, Token};

use crate::error::setu_auth_error;
use crate::ffi::{c_string, guard, handle_arg, invalid_argument, wipe};
use crate::manager::setu_auth_manager;

/// Receives the result of `setu_auth_manager_token_async`.
///
/// Exactly one of `token` and `error` is non-NULL. Both are borrowed for the duration of
/// the call only: copy the token (or call `setu_auth_manager_token` later from another
/// thread) to keep it, and do not free either.
pub type setu_auth_token_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        token: *const c_char,
        error: *const setu_auth_error,
    ),
>;

/// The callback and user data of one request, called exactly once: with the result, or
/// with a `closed` error if the request is dropped first (the manager was freed).
struct Delivery {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char, *const setu_auth_error),
    user_data: *mut c_void,
    delivered: bool,
}

// SAFETY: the caller of `setu_auth_manager_token_async` promises that `user_data` may be used
// from the runtime thread, which is the documented contract of the callback.
unsafe impl Send for Delivery {}

impl Delivery {
    fn deliver(&mut self, result: Result<Token, Error>) {
        self.delivered = true;
        match result {
            Ok(token) => {
                let text: CString = c_string(token.as_str());
                // SAFETY: the callback was supplied by the caller for this purpose; the
                // token pointer is valid for the duration of the call.
                unsafe { (self.callback)(self.user_data, text.as_ptr(), ptr::null()) };
                wipe(&mut text.into_bytes());
            }
            Err(error) => {
                let error = setu_auth_error::from_engine(&error);
                // SAFETY: as above, with the error borrowed for the duration of the call.
                unsafe { (self.callback)(self.user_data, ptr::null(), &error) };
            }
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if !self.delivered {
            let closed = Error::new(
                ErrorCode::Closed,
                "the token manager was freed before the asynchronous request finished",
            );
            self.deliver(Err(closed));
        }
    }
}

/// Starts getting a token without blocking, and calls `callback` with the token or the
/// error.
///
/// Threading rules of the callback:
/// - It is called exactly once, on the manager's runtime thread (named `setu-auth`),
///   never inline on the calling thread, even when a token is cached. If the manager is
///   freed first, it is called with a `SETU_AUTH_CLOSED` error during the free, on the
///   runtime thread or on the thread calling `setu_auth_manager_free`.
/// - `token` and `error` are borrowed until the callback returns.
/// - It should return quickly, because it holds up the manager's only runtime thread.
///   It may call the non-blocking functions (`setu_auth_manager_invalidate`,
///   `setu_auth_manager_stats`, `setu_auth_manager_token_async`, the error accessors and
///   string functions) and may free the manager. The blocking functions
///   (`setu_auth_manager_token`, `_refresh`, `_auth_header`) fail there with
///   `SETU_AUTH_BLOCKING_IN_RUNTIME`, because waiting on the runtime thread would
///   deadlock.
/// - `user_data` is passed through untouched and must stay valid until the callback ran.
///
/// Thread safety: safe from any thread.
///
/// Errors (returned at once, and then the callback is never called):
/// `SETU_AUTH_INVALID_ARGUMENT` for a NULL manager or callback, `SETU_AUTH_CLOSED` after
/// `setu_auth_manager_close`. Failures of the request itself go to the callback.
///
/// # Safety
///
/// `manager` is NULL or a live manager; `callback` follows the rules above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_manager_token_async(
    manager: *const setu_auth_manager,
    callback: setu_auth_token_callback,
    user_data: *mut c_void,
) -> *mut setu_auth_error {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let manager = unsafe { handle_arg(manager, "manager") }?;
        let callback = callback.ok_or_else(|| {
            invalid_argument("callback", "is NULL: pass a function to receive the token")
        })?;
        let engine_manager = manager.inner.manager()?;
        let runtime = manager.inner.runtime()?;

        let mut delivery = Delivery {
            callback,
            user_data,
            delivered: false,
        };
        runtime.spawn(async move {
            let result = engine_manager.token().await;
            delivery.deliver(result);
        });
        Ok(())
    })
}
