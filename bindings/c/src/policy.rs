//! Setters for the refresh policy, timeouts and limits of a configuration handle.

use std::time::Duration;

use engine::Error;

use crate::config::{setu_auth_config, update};
use crate::error::setu_auth_error;
use crate::ffi::invalid_argument;

fn share(name: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        return Err(invalid_argument(
            name,
            "is not a finite number: pass a share such as 0.75",
        ));
    }
    Ok(value)
}

/// Sets the share of a token's lifetime after which a background refresh starts
/// (default 0.75; valid between 0 and 1, checked by `setu_auth_manager_new`).
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle or a NaN or infinite value.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_refresh_share(
    config: *const setu_auth_config,
    value: f64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.policy.refresh_share = share("value", value)?;
            Ok(())
        })
    }
}

/// Sets the random spread of the refresh point, as a share of the lifetime (default 0.05;
/// valid from 0 up to 0.5, checked by `setu_auth_manager_new`).
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle or a NaN or infinite value.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_jitter_share(
    config: *const setu_auth_config,
    value: f64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.policy.jitter_share = share("value", value)?;
            Ok(())
        })
    }
}

/// Sets the largest token response body read, in bytes (default 65536, at least 1024).
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle; a value below 1024 is reported
/// as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_max_body_bytes(
    config: *const setu_auth_config,
    bytes: usize,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.max_body_bytes = bytes;
            Ok(())
        })
    }
}

/// Sets the minimum remaining lifetime a token may be handed out with (default 10000).
///
/// `milliseconds` is a duration in milliseconds.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle. Out-of-range values, such as a
/// zero timeout, are reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_min_remaining_ms(
    config: *const setu_auth_config,
    milliseconds: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.policy.min_remaining = Duration::from_millis(milliseconds);
            Ok(())
        })
    }
}

/// Sets the lifetime assumed when a token response states none (default 300000).
///
/// `milliseconds` is a duration in milliseconds.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle. Out-of-range values, such as a
/// zero timeout, are reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_default_lifetime_ms(
    config: *const setu_auth_config,
    milliseconds: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.policy.default_lifetime = Duration::from_millis(milliseconds);
            Ok(())
        })
    }
}

/// Sets the first retry delay of a failed background refresh (default 500).
///
/// `milliseconds` is a duration in milliseconds.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle. Out-of-range values, such as a
/// zero timeout, are reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_min_backoff_ms(
    config: *const setu_auth_config,
    milliseconds: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.policy.min_backoff = Duration::from_millis(milliseconds);
            Ok(())
        })
    }
}

/// Sets the largest retry delay; the delay doubles per attempt up to it (default 30000).
///
/// `milliseconds` is a duration in milliseconds.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle. Out-of-range values, such as a
/// zero timeout, are reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_max_backoff_ms(
    config: *const setu_auth_config,
    milliseconds: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.policy.max_backoff = Duration::from_millis(milliseconds);
            Ok(())
        })
    }
}

/// Sets how long a permanent failure is returned from memory before Setu is asked again
/// (default 5000).
///
/// `milliseconds` is a duration in milliseconds.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle. Out-of-range values, such as a
/// zero timeout, are reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_negative_ttl_ms(
    config: *const setu_auth_config,
    milliseconds: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.policy.negative_ttl = Duration::from_millis(milliseconds);
            Ok(())
        })
    }
}

/// Sets the upper bound on a server's `Retry-After` (default 60000).
///
/// `milliseconds` is a duration in milliseconds.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle. Out-of-range values, such as a
/// zero timeout, are reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_max_retry_after_ms(
    config: *const setu_auth_config,
    milliseconds: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.policy.max_retry_after = Duration::from_millis(milliseconds);
            Ok(())
        })
    }
}

/// Sets the time allowed to open a connection (default 5000).
///
/// `milliseconds` is a duration in milliseconds.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle. Out-of-range values, such as a
/// zero timeout, are reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_connect_timeout_ms(
    config: *const setu_auth_config,
    milliseconds: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.connect_timeout = Duration::from_millis(milliseconds);
            Ok(())
        })
    }
}

/// Sets the time allowed for a whole token request, body included (default 10000).
///
/// `milliseconds` is a duration in milliseconds.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle. Out-of-range values, such as a
/// zero timeout, are reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_request_timeout_ms(
    config: *const setu_auth_config,
    milliseconds: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.request_timeout = Duration::from_millis(milliseconds);
            Ok(())
        })
    }
}
