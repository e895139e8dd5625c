//! The error object handed to C, and the code table shared with every other binding.

use std::ffi::{CString, c_char};
use std::ptr;

use engine::{Error, ErrorCode};

use crate::ffi::{c_string, guard_value};

/// The kind of a failure. The values follow the engine's code table, in its order, and
/// `setu_auth_code_name` returns the snake_case name used by every setu-auth binding.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum setu_auth_code {
    /// `invalid_config`: a setting is invalid; the message names it and the fix.
    SETU_AUTH_INVALID_CONFIG = 1,
    /// `invalid_argument`: a function argument is NULL, not UTF-8 or out of range.
    SETU_AUTH_INVALID_ARGUMENT = 2,
    /// `invalid_credentials`: Setu rejected the clientID or secret.
    SETU_AUTH_INVALID_CREDENTIALS = 3,
    /// `access_denied`: Setu returned HTTP 403.
    SETU_AUTH_ACCESS_DENIED = 4,
    /// `rate_limited`: Setu returned HTTP 429.
    SETU_AUTH_RATE_LIMITED = 5,
    /// `server_error`: Setu returned a 5xx status.
    SETU_AUTH_SERVER_ERROR = 6,
    /// `timeout`: the request timed out.
    SETU_AUTH_TIMEOUT = 7,
    /// `connection_failed`: no connection, or it broke before a full response.
    SETU_AUTH_CONNECTION_FAILED = 8,
    /// `invalid_response`: the response was not a well-formed Setu response.
    SETU_AUTH_INVALID_RESPONSE = 9,
    /// `invalid_token_lifetime`: zero, negative, past or absurd token lifetime.
    SETU_AUTH_INVALID_TOKEN_LIFETIME = 10,
    /// `request_rejected`: Setu returned another 4xx status.
    SETU_AUTH_REQUEST_REJECTED = 11,
    /// `closed`: the manager was closed.
    SETU_AUTH_CLOSED = 12,
    /// `blocking_in_runtime`: a blocking call was made from the manager's own runtime
    /// thread, such as from an asynchronous callback.
    SETU_AUTH_BLOCKING_IN_RUNTIME = 13,
    /// `internal`: a bug in setu-auth; the message has the details.
    SETU_AUTH_INTERNAL = 14,
}

/// C codes in the order of the engine's `ErrorCode::ALL`.
const CODES: [setu_auth_code; ErrorCode::ALL.len()] = [
    setu_auth_code::SETU_AUTH_INVALID_CONFIG,
    setu_auth_code::SETU_AUTH_INVALID_ARGUMENT,
    setu_auth_code::SETU_AUTH_INVALID_CREDENTIALS,
    setu_auth_code::SETU_AUTH_ACCESS_DENIED,
    setu_auth_code::SETU_AUTH_RATE_LIMITED,
    setu_auth_code::SETU_AUTH_SERVER_ERROR,
    setu_auth_code::SETU_AUTH_TIMEOUT,
    setu_auth_code::SETU_AUTH_CONNECTION_FAILED,
    setu_auth_code::SETU_AUTH_INVALID_RESPONSE,
    setu_auth_code::SETU_AUTH_INVALID_TOKEN_LIFETIME,
    setu_auth_code::SETU_AUTH_REQUEST_REJECTED,
    setu_auth_code::SETU_AUTH_CLOSED,
    setu_auth_code::SETU_AUTH_BLOCKING_IN_RUNTIME,
    setu_auth_code::SETU_AUTH_INTERNAL,
];

/// Static NUL-terminated names, built once from the engine's table.
fn code_names() -> &'static [CString] {
    static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        ErrorCode::ALL
            .iter()
            .map(|code| c_string(code.as_str()))
            .collect()
    })
}

impl setu_auth_code {
    fn from_engine(code: ErrorCode) -> Self {
        ErrorCode::ALL
            .iter()
            .position(|known| *known == code)
            .map_or(Self::SETU_AUTH_INTERNAL, |index| CODES[index])
    }
}

/// A failure reported by a setu-auth function. Owned by the caller, freed with
/// `setu_auth_error_free`. The message never contains a secret or a token.
pub struct setu_auth_error {
    code: setu_auth_code,
    message: CString,
    setu_code: Option<CString>,
    trace_id: Option<CString>,
    status: u16,
    retryable: bool,
    retry_after_ms: i64,
}

impl setu_auth_error {
    /// Converts an engine error into a heap object owned by the C caller.
    pub(crate) fn into_raw(error: &Error) -> *mut Self {
        Box::into_raw(Box::new(Self::from_engine(error)))
    }

    pub(crate) fn from_engine(error: &Error) -> Self {
        let retry_after_ms = error.retry_after().map_or(-1, |delay| {
            i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)
        });
        Self {
            code: setu_auth_code::from_engine(error.code()),
            message: c_string(error.to_string()),
            setu_code: error.setu_code().map(c_string),
            trace_id: error.trace_id().map(c_string),
            status: error.status().unwrap_or(0),
            retryable: error.is_retryable(),
            retry_after_ms,
        }
    }
}

/// Borrows an error for the accessors; NULL gives `None`.
///
/// # Safety
///
/// `error` is NULL or a live error object.
unsafe fn borrow<'a>(error: *const setu_auth_error) -> Option<&'a setu_auth_error> {
    // SAFETY: the caller guarantees a live object when not NULL.
    unsafe { error.as_ref() }
}

fn optional_ptr(value: Option<&CString>) -> *const c_char {
    value.map_or(ptr::null(), |text| text.as_ptr())
}

/// Returns the number of error codes: valid codes run from 1 to this number.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn setu_auth_code_count() -> i32 {
    CODES.len() as i32
}

/// Returns the stable snake_case name of an error code, such as `"invalid_credentials"`,
/// or NULL when `code` is not a valid code.
///
/// The string is static: do not free it.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn setu_auth_code_name(code: i32) -> *const c_char {
    guard_value(ptr::null(), || {
        let index = usize::try_from(code).ok().and_then(|c| c.checked_sub(1));
        index
            .and_then(|index| code_names().get(index))
            .map_or(ptr::null(), |name| name.as_ptr())
    })
}

/// Returns the kind of the failure, or `SETU_AUTH_INVALID_ARGUMENT` when `error` is NULL.
///
/// Thread safety: safe from any thread while the error is alive.
///
/// # Safety
///
/// `error` is NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_error_code(error: *const setu_auth_error) -> setu_auth_code {
    // SAFETY: forwarded from the caller.
    unsafe { borrow(error) }.map_or(setu_auth_code::SETU_AUTH_INVALID_ARGUMENT, |e| e.code)
}

/// Returns the one-sentence message, followed by Setu's code, HTTP status and traceID
/// in brackets when there are any.
///
/// The string is owned by the error and lives until `setu_auth_error_free`. Returns an
/// empty string when `error` is NULL.
///
/// Thread safety: safe from any thread while the error is alive.
///
/// # Safety
///
/// `error` is NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_error_message(error: *const setu_auth_error) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { borrow(error) }.map_or(c"".as_ptr(), |e| e.message.as_ptr())
}

/// Returns Setu's own error code, such as `"invalid-api-key"`, or NULL when Setu sent
/// none (or `error` is NULL).
///
/// The string is owned by the error and lives until `setu_auth_error_free`.
///
/// Thread safety: safe from any thread while the error is alive.
///
/// # Safety
///
/// `error` is NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_error_setu_code(error: *const setu_auth_error) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { borrow(error) }.map_or(ptr::null(), |e| optional_ptr(e.setu_code.as_ref()))
}

/// Returns Setu's `traceID` of the failed request, or NULL when there is none.
///
/// The string is owned by the error and lives until `setu_auth_error_free`.
///
/// Thread safety: safe from any thread while the error is alive.
///
/// # Safety
///
/// `error` is NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_error_trace_id(error: *const setu_auth_error) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { borrow(error) }.map_or(ptr::null(), |e| optional_ptr(e.trace_id.as_ref()))
}

/// Returns the HTTP status of the failed response, or 0 when there was no response.
///
/// Thread safety: safe from any thread while the error is alive.
///
/// # Safety
///
/// `error` is NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_error_status(error: *const setu_auth_error) -> u16 {
    // SAFETY: forwarded from the caller.
    unsafe { borrow(error) }.map_or(0, |e| e.status)
}

/// Returns whether trying again later may succeed without any change by the caller.
///
/// Thread safety: safe from any thread while the error is alive.
///
/// # Safety
///
/// `error` is NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_error_retryable(error: *const setu_auth_error) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { borrow(error) }.is_some_and(|e| e.retryable)
}

/// Returns how long Setu asked the caller to wait (`Retry-After`) in milliseconds, or -1
/// when it did not.
///
/// Thread safety: safe from any thread while the error is alive.
///
/// # Safety
///
/// `error` is NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_error_retry_after_ms(error: *const setu_auth_error) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { borrow(error) }.map_or(-1, |e| e.retry_after_ms)
}

/// Frees an error and its strings. NULL is ignored.
///
/// Thread safety: safe from any thread; each error is freed once.
///
/// # Safety
///
/// `error` is NULL or an error returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_error_free(error: *mut setu_auth_error) {
    if error.is_null() {
        return;
    }
    guard_value((), || {
        // SAFETY: the caller passes an error made by `Box::into_raw` in this library.
        drop(unsafe { Box::from_raw(error) });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_engine_table() {
        for (index, code) in ErrorCode::ALL.iter().enumerate() {
            let c_code = setu_auth_code::from_engine(*code);
            assert_eq!(c_code as usize, index + 1, "{code}");

            // SAFETY: the name is a static NUL-terminated string.
            let name = unsafe { std::ffi::CStr::from_ptr(setu_auth_code_name(c_code as i32)) };
            assert_eq!(name.to_str(), Ok(code.as_str()));
        }
    }

    #[test]
    fn code_name_rejects_unknown() {
        assert!(setu_auth_code_name(0).is_null());
        assert!(setu_auth_code_name(-1).is_null());
        assert!(setu_auth_code_name(setu_auth_code_count() + 1).is_null());
    }
}
