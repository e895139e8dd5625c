//! The configuration handle: built by setters, copied by `setu_auth_manager_new`.

use std::ffi::c_char;
use std::sync::{Mutex, PoisonError};

use engine::{Config, Environment, Error, Flavor};

use crate::error::setu_auth_error;
use crate::ffi::{guard, handle_arg, optional_str_arg, out_arg, str_arg};

/// Settings for a token manager. Create with `setu_auth_config_new`, free with
/// `setu_auth_config_free`. Values are checked when a manager is created from it, except
/// those that cannot be parsed at all, which the setters reject.
pub struct setu_auth_config {
    config: Mutex<Config>,
}

impl setu_auth_config {
    /// Returns a copy of the settings.
    pub(crate) fn snapshot(&self) -> Config {
        self.config
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Applies `change` to the configuration behind `config`.
///
/// # Safety
///
/// `config` is NULL or a live configuration handle.
pub(crate) unsafe fn update(
    config: *const setu_auth_config,
    change: impl FnOnce(&mut Config) -> Result<(), Error>,
) -> *mut setu_auth_error {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let handle = unsafe { handle_arg(config, "config") }?;
        let mut settings = handle.config.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut settings)
    })
}

/// Creates a configuration with the defaults: sandbox, v2 flavour, no credentials, refresh
/// after 75% of the lifetime with 5% jitter, 10 s minimum remaining lifetime, 5 s connect
/// and 10 s request timeouts.
///
/// On success `*out` receives a handle owned by the caller, freed with
/// `setu_auth_config_free`.
///
/// Thread safety: safe from any thread. A configuration may be changed and read from
/// several threads; each setter is applied whole.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` when `out` is NULL.
///
/// # Safety
///
/// `out` is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_new(
    out: *mut *mut setu_auth_config,
) -> *mut setu_auth_error {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let out = unsafe { out_arg(out, "out") }?;
        let handle = setu_auth_config {
            config: Mutex::new(Config::new(String::new(), String::new())),
        };
        *out = Box::into_raw(Box::new(handle));
        Ok(())
    })
}

/// Frees a configuration. NULL is ignored. Managers created from it keep their own copy.
///
/// Thread safety: no other call may use `config` during or after this call.
///
/// # Safety
///
/// `config` is NULL or a configuration handle not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_free(config: *mut setu_auth_config) {
    if config.is_null() {
        return;
    }
    crate::ffi::guard_value((), || {
        // SAFETY: the caller passes a handle made by `Box::into_raw` in this library.
        drop(unsafe { Box::from_raw(config) });
    });
}

/// Sets the API key's clientID and secret. Both strings are copied.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle, a NULL or non-UTF-8 string.
/// Empty or malformed values are reported as `SETU_AUTH_INVALID_CONFIG` by
/// `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_credentials(
    config: *const setu_auth_config,
    client_id: *const c_char,
    secret: *const c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            let client_id = str_arg(client_id, "client_id")?;
            let secret = str_arg(secret, "secret")?;
            settings.client_id = client_id.to_owned();
            settings.secret = secret.into();
            Ok(())
        })
    }
}

/// Sets the Setu environment: `"sandbox"` (the default) or `"production"`.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for NULL or non-UTF-8 arguments,
/// `SETU_AUTH_INVALID_CONFIG` for another name.
///
/// # Safety
///
/// `config` is NULL or a live handle; `environment` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_environment(
    config: *const setu_auth_config,
    environment: *const c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.environment = str_arg(environment, "environment")?.parse::<Environment>()?;
            Ok(())
        })
    }
}

/// Sets the token API flavour: `"v2"` (the default) or `"login"`.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for NULL or non-UTF-8 arguments,
/// `SETU_AUTH_INVALID_CONFIG` for another name.
///
/// # Safety
///
/// `config` is NULL or a live handle; `flavor` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_flavor(
    config: *const setu_auth_config,
    flavor: *const c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.flavor = str_arg(flavor, "flavor")?.parse::<Flavor>()?;
            Ok(())
        })
    }
}

/// Sets a base URL that replaces the environment's host, for the emulator or a proxy;
/// NULL restores the environment's host. Plain `http://` is accepted only for loopback
/// hosts, which `setu_auth_manager_new` checks.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle or a non-UTF-8 URL.
///
/// # Safety
///
/// `config` is NULL or a live handle; `base_url` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_base_url(
    config: *const setu_auth_config,
    base_url: *const c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.base_url = optional_str_arg(base_url, "base_url")?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Sets the product instance ID sent as `X-Setu-Product-Instance-ID`; NULL removes it.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle or a non-UTF-8 ID.
///
/// # Safety
///
/// `config` is NULL or a live handle; `id` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_product_instance_id(
    config: *const setu_auth_config,
    id: *const c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.product_instance_id = optional_str_arg(id, "id")?.map(str::to_owned);
            Ok(())
        })
    }
}
