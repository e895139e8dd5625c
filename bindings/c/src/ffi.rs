//! Helpers shared by every exported function: panic containment, argument checks and
//! owned strings.

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use engine::{Error, ErrorCode};
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
use zeroize::Zeroize;

use crate::error::setu_auth_error;

/// Runs `body`, turning its error or panic into an owned error object for C, or NULL on
/// success.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Error>) -> *mut setu_auth_error {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => ptr::null_mut(),
        Ok(Err(error)) => setu_auth_error::into_raw(&error),
        Err(panic) => setu_auth_error::into_raw(&panic_error(panic.as_ref())),
    }
}

/// Runs `body` for a function that returns a plain value, returning `fallback` on a panic.
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

fn panic_error(panic: &(dyn std::any::Any + Send)) -> Error {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    Error::new(
        ErrorCode::Internal,
        format!("setu-auth panicked inside a C call ({detail}); please report this bug"),
    )
}

/// Creates an `invalid_argument` error naming the parameter.
pub(crate) fn invalid_argument(name: &str, problem: &str) -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        format!("argument {name} {problem}"),
    )
}

/// Borrows a NUL-terminated UTF-8 string argument.
///
/// # Safety
///
/// `value` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(value: *const c_char, name: &str) -> Result<&'a str, Error> {
    if value.is_null() {
        return Err(invalid_argument(
            name,
            "is NULL: pass a NUL-terminated UTF-8 string",
        ));
    }

    // SAFETY: the caller guarantees a NUL-terminated string that outlives 'a.
    let text = unsafe { CStr::from_ptr(value) };
    text.to_str()
        .map_err(|_| invalid_argument(name, "is not valid UTF-8: pass UTF-8 text"))
}

/// Borrows an optional string argument: NULL gives `None`.
///
/// # Safety
///
/// As [`str_arg`].
pub(crate) unsafe fn optional_str_arg<'a>(
    value: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if value.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { str_arg(value, name) }.map(Some)
}

/// Borrows a handle argument.
///
/// # Safety
///
/// `handle` is NULL or a live handle of type `T` created by this library.
pub(crate) unsafe fn handle_arg<'a, T>(handle: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: the caller guarantees a live handle when it is not NULL.
    unsafe { handle.as_ref() }
        .ok_or_else(|| invalid_argument(name, "is NULL: pass a handle created by setu-auth"))
}

/// Borrows an output parameter.
///
/// # Safety
///
/// `out` is NULL or valid for writes of `T`.
pub(crate) unsafe fn out_arg<'a, T>(out: *mut T, name: &str) -> Result<&'a mut T, Error> {
    // SAFETY: the caller guarantees `out` is valid for writes when not NULL.
    unsafe { out.as_mut() }.ok_or_else(|| {
        invalid_argument(
            name,
            "is NULL: pass the address of a variable to receive the result",
        )
    })
}

/// Moves `text` into a new C string owned by the caller, replacing any NUL byte.
pub(crate) fn owned_string(text: impl Into<Vec<u8>>) -> *mut c_char {
    c_string(text).into_raw()
}

/// Converts `text` to a C string, replacing any NUL byte so the conversion cannot fail.
pub(crate) fn c_string(text: impl Into<Vec<u8>>) -> CString {
    CString::new(text).unwrap_or_else(|error| {
        let mut bytes = error.into_vec();
        bytes
            .iter_mut()
            .filter(|b| **b == 0)
            .for_each(|b| *b = b'?');
        CString::new(bytes).unwrap_or_default()
    })
}

/// Overwrites `bytes` with zeros in a way the compiler cannot remove, before the memory is
/// freed. glibc's `explicit_bzero` is used where available because it is far faster than
/// a loop of volatile byte writes on tokens of several hundred bytes.
pub(crate) fn wipe(bytes: &mut [u8]) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: the pointer and length describe one live, writable byte slice.
    unsafe {
        libc::explicit_bzero(bytes.as_mut_ptr().cast(), bytes.len());
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    bytes.zeroize();
}

/// Wipes and frees a string returned by setu-auth. NULL is ignored.
///
/// Strings returned by this library (tokens, header values, identifiers) are freed only
/// with this function, which overwrites them with zeros first.
///
/// Thread safety: safe from any thread; each string is freed once.
///
/// # Safety
///
/// `text` is NULL or a string returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_string_free(text: *mut c_char) {
    if text.is_null() {
        return;
    }
    guard_value((), || {
        // SAFETY: the caller passes a string made by `CString::into_raw` in this library.
        let owned = unsafe { CString::from_raw(text) };
        wipe(&mut owned.into_bytes_with_nul());
    });
}
