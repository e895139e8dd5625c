//! Setters choosing the token store: the manager's memory, a file store or Redis.

use std::ffi::c_char;
use std::path::PathBuf;
use std::time::Duration;

use engine::StoreConfig;

use crate::config::{setu_auth_config, update};
use crate::error::setu_auth_error;
use crate::ffi::{optional_str_arg, str_arg};

/// Keeps the token in the manager's own memory: every manager fetches its own token. This
/// is the default.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle.
///
/// # Safety
///
/// `config` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_memory_store(
    config: *const setu_auth_config,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.store = StoreConfig::Memory;
            Ok(())
        })
    }
}

/// Shares the token through files in a directory, with every process of this user on
/// this host that uses the same API key and token endpoint.
///
/// `dir` is an absolute directory, copied; it is created with mode 0700 when missing.
/// NULL means `$XDG_CACHE_HOME/setu-auth`, else `~/.cache/setu-auth`. The files hold the
/// token, never the secret.
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle or a non-UTF-8 `dir`. An empty
/// or relative `dir` is reported as `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle; `dir` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_file_store(
    config: *const setu_auth_config,
    dir: *const c_char,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            let dir = optional_str_arg(dir, "dir")?;
            settings.store = StoreConfig::File {
                dir: dir.map(PathBuf::from),
            };
            Ok(())
        })
    }
}

/// Shares the token through a Redis server, with every process on every host that uses
/// the same API key and token endpoint.
///
/// `url` is `redis://[:password@]host[:port][/db]`, or `rediss://` for TLS; it is copied,
/// and its password never appears in an error message or log. `timeout_ms` is the time
/// allowed to connect and for each Redis command, from 1 to 60000 (1000 is a good value).
///
/// Thread safety: safe from any thread.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` for a NULL handle, a NULL or non-UTF-8 `url`. A
/// malformed URL, another scheme or a timeout out of range is reported as
/// `SETU_AUTH_INVALID_CONFIG` by `setu_auth_manager_new`.
///
/// # Safety
///
/// `config` is NULL or a live handle; `url` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_config_set_redis_store(
    config: *const setu_auth_config,
    url: *const c_char,
    timeout_ms: u64,
) -> *mut setu_auth_error {
    // SAFETY: forwarded from the caller.
    unsafe {
        update(config, |settings| {
            settings.store = StoreConfig::Redis {
                url: str_arg(url, "url")?.to_owned(),
                timeout: Duration::from_millis(timeout_ms),
            };
            Ok(())
        })
    }
}
