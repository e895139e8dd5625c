//! The error family of the bindings: one variant per stable engine error code, each with
//! the same fields.

use setu_auth::ErrorCode;

/// Declares [`SetuAuthError`] with one variant per engine error code, plus the mapping from
/// a code to its variant.
macro_rules! error_family {
    ($($variant:ident => $code:ident, $doc:literal;)+) => {
        /// A failure from setu-auth. Every variant carries the same fields: the stable
        /// snake_case `code`, Setu's own `setu_code` when Setu sent one, the HTTP `status`,
        /// Setu's `trace_id`, whether a `retryable` later attempt may succeed, the server's
        /// `retry_after_ms` hint and a one-sentence `detail`. No field contains a secret or a
        /// token.
        #[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
        pub enum SetuAuthError {
            $(
                #[doc = $doc]
                #[error("{code}: {detail}")]
                $variant {
                    /// The stable snake_case code.
                    code: String,
                    /// Setu's own error code, such as `invalid-api-key`.
                    setu_code: Option<String>,
                    /// The HTTP status of the failed response.
                    status: Option<u16>,
                    /// Setu's traceID of the failed request.
                    trace_id: Option<String>,
                    /// Whether trying again later may succeed without any change.
                    retryable: bool,
                    /// The server's Retry-After hint in milliseconds.
                    retry_after_ms: Option<u64>,
                    /// The one-sentence message.
                    detail: String,
                },
            )+
        }

        fn build(error: &setu_auth::Error) -> SetuAuthError {
            let code = error.code().as_str().to_owned();
            let setu_code = error.setu_code().map(str::to_owned);
            let status = error.status();
            let trace_id = error.trace_id().map(str::to_owned);
            let retryable = error.is_retryable();
            let retry_after_ms = error.retry_after().map(|d| d.as_millis() as u64);
            let detail = error.message().to_owned();
            match error.code() {
                $(ErrorCode::$code => SetuAuthError::$variant {
                    code, setu_code, status, trace_id, retryable, retry_after_ms, detail,
                },)+
                _ => SetuAuthError::Internal {
                    code, setu_code, status, trace_id, retryable, retry_after_ms, detail,
                },
            }
        }
    };
}

error_family! {
    InvalidConfig => InvalidConfig, "A setting is invalid; the detail names it and the fix.";
    InvalidArgument => InvalidArgument, "A method argument is invalid.";
    InvalidCredentials => InvalidCredentials, "Setu rejected the clientID or secret.";
    AccessDenied => AccessDenied, "Setu returned 403.";
    RateLimited => RateLimited, "Setu returned 429.";
    ServerError => ServerError, "Setu returned a 5xx status.";
    Timeout => Timeout, "The request timed out.";
    ConnectionFailed => ConnectionFailed, "No connection, or it broke before a full response.";
    InvalidResponse => InvalidResponse, "The response was not a well-formed Setu response.";
    InvalidTokenLifetime => InvalidTokenLifetime, "The token's lifetime is zero, negative, past or absurd.";
    RequestRejected => RequestRejected, "Setu rejected the request with another 4xx status.";
    Closed => Closed, "The manager was closed.";
    BlockingInRuntime => BlockingInRuntime, "A blocking call was made from inside an async runtime.";
    Internal => Internal, "A bug in setu-auth; the detail has the facts.";
}

impl SetuAuthError {
    /// An [`ErrorCode::Internal`] error with `detail`.
    pub(crate) fn internal(detail: impl Into<String>) -> Self {
        Self::from(setu_auth::Error::new(ErrorCode::Internal, detail))
    }
}

impl From<setu_auth::Error> for SetuAuthError {
    fn from(error: setu_auth::Error) -> Self {
        build(&error)
    }
}

/// Returns every stable error code, in documentation order.
#[uniffi::export]
pub fn error_codes() -> Vec<String> {
    ErrorCode::ALL
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect()
}
