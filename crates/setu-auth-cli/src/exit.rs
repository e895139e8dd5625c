//! Exit statuses: one per class of failure, so scripts can react without parsing text.

use std::process::ExitCode;

use setu_auth::{Error, ErrorCode};

/// Invalid arguments or configuration (clap uses the same status for usage errors).
pub const USAGE: u8 = 2;

/// Returns the exit status for `error`.
pub fn status(error: &Error) -> u8 {
    match error.code() {
        ErrorCode::InvalidConfig | ErrorCode::InvalidArgument => USAGE,
        ErrorCode::InvalidCredentials => 3,
        ErrorCode::AccessDenied | ErrorCode::RequestRejected => 4,
        ErrorCode::RateLimited => 5,
        ErrorCode::ServerError => 6,
        ErrorCode::Timeout | ErrorCode::ConnectionFailed => 7,
        ErrorCode::InvalidResponse | ErrorCode::InvalidTokenLifetime => 8,
        _ => 1,
    }
}

/// Prints `error` to stderr as one sentence and returns its exit status.
pub fn fail(error: &Error) -> ExitCode {
    eprintln!("setu-auth: {error}");
    ExitCode::from(status(error))
}
