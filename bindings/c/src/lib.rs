//! C API of the setu-auth token engine: `libsetu_auth.so`, `libsetu_auth.a` and
//! `include/setu_auth.h`.
//!
//! Every function takes opaque handles and plain C values, reports failures as an owned
//! `setu_auth_error` object, and catches panics so none crosses into C. Strings returned
//! to the caller are owned and freed with `setu_auth_string_free`, which wipes them first
//! because they hold tokens.

#![allow(non_camel_case_types)]

mod async_token;
mod config;
mod error;
mod ffi;
mod log;
mod manager;
mod policy;
mod store;

pub use async_token::{setu_auth_manager_token_async, setu_auth_token_callback};
pub use config::{
    setu_auth_config, setu_auth_config_free, setu_auth_config_new, setu_auth_config_set_base_url,
    setu_auth_config_set_credentials, setu_auth_config_set_environment,
    setu_auth_config_set_flavor, setu_auth_config_set_product_instance_id,
};
pub use error::{
    setu_auth_code, setu_auth_code_count, setu_auth_code_name, setu_auth_error,
    setu_auth_error_code, setu_auth_error_free, setu_auth_error_message,
    setu_auth_error_retry_after_ms, setu_auth_error_retryable, setu_auth_error_setu_code,
    setu_auth_error_status, setu_auth_error_trace_id,
};
pub use ffi::setu_auth_string_free;
pub use log::{setu_auth_log_callback, setu_auth_log_level, setu_auth_set_logger};
pub use manager::{
    setu_auth_manager, setu_auth_manager_auth_header, setu_auth_manager_close,
    setu_auth_manager_free, setu_auth_manager_invalidate, setu_auth_manager_new,
    setu_auth_manager_product_instance_id, setu_auth_manager_refresh,
    setu_auth_manager_set_credentials, setu_auth_manager_stats, setu_auth_manager_token,
    setu_auth_stats,
};
pub use policy::{
    setu_auth_config_set_connect_timeout_ms, setu_auth_config_set_default_lifetime_ms,
    setu_auth_config_set_jitter_share, setu_auth_config_set_max_backoff_ms,
    setu_auth_config_set_max_body_bytes, setu_auth_config_set_max_retry_after_ms,
    setu_auth_config_set_min_backoff_ms, setu_auth_config_set_min_remaining_ms,
    setu_auth_config_set_negative_ttl_ms, setu_auth_config_set_refresh_share,
    setu_auth_config_set_request_timeout_ms,
};
pub use store::{
    setu_auth_config_set_file_store, setu_auth_config_set_memory_store,
    setu_auth_config_set_redis_store,
};
