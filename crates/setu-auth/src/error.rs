//! The engine's error type: a stable code per kind plus Setu's details of the failure.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The kind of a failure, as a stable snake_case code shared by every language binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The configuration is invalid; the message names the setting and the fix.
    InvalidConfig,
    /// An argument passed to a method is invalid.
    InvalidArgument,
    /// Setu rejected the clientID or secret (`invalid-api-key`, or a 401 on the token call).
    InvalidCredentials,
    /// Setu returned 403: the key may not use this API or product instance.
    AccessDenied,
    /// Setu returned 429.
    RateLimited,
    /// Setu returned a 5xx status.
    ServerError,
    /// The request timed out.
    Timeout,
    /// No connection could be made, or it broke before a full response arrived.
    ConnectionFailed,
    /// The response was not a well-formed Setu response.
    InvalidResponse,
    /// The token's lifetime is zero, negative, already over or absurdly long.
    InvalidTokenLifetime,
    /// Setu rejected the request with another 4xx status.
    RequestRejected,
    /// The manager was closed.
    Closed,
    /// A blocking call was made from inside an async runtime, where it would deadlock.
    BlockingInRuntime,
    /// A bug in this library; the message has the details.
    Internal,
}

impl ErrorCode {
    /// All codes, in documentation order.
    pub const ALL: [ErrorCode; 14] = [
        Self::InvalidConfig,
        Self::InvalidArgument,
        Self::InvalidCredentials,
        Self::AccessDenied,
        Self::RateLimited,
        Self::ServerError,
        Self::Timeout,
        Self::ConnectionFailed,
        Self::InvalidResponse,
        Self::InvalidTokenLifetime,
        Self::RequestRejected,
        Self::Closed,
        Self::BlockingInRuntime,
        Self::Internal,
    ];

    /// Returns the stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidConfig => "invalid_config",
            Self::InvalidArgument => "invalid_argument",
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccessDenied => "access_denied",
            Self::RateLimited => "rate_limited",
            Self::ServerError => "server_error",
            Self::Timeout => "timeout",
            Self::ConnectionFailed => "connection_failed",
            Self::InvalidResponse => "invalid_response",
            Self::InvalidTokenLifetime => "invalid_token_lifetime",
            Self::RequestRejected => "request_rejected",
            Self::Closed => "closed",
            Self::BlockingInRuntime => "blocking_in_runtime",
            Self::Internal => "internal",
        }
    }

    /// Parses a snake_case code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == code)
    }

    /// Returns whether trying again later may succeed without any change by the caller.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::RateLimited
                | Self::ServerError
                | Self::Timeout
                | Self::ConnectionFailed
                | Self::InvalidResponse
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from the engine.
///
/// Cloning is cheap, so every caller waiting on one shared token request receives the same
/// error. The message never contains a secret or a token.
#[derive(Clone)]
pub struct Error(Box<ErrorInner>);

/// The fields of an [`Error`], boxed so that `Result<Token, Error>` stays two words wide and
/// cheap to move on the cached path.
#[derive(Clone)]
struct ErrorInner {
    code: ErrorCode,
    message: String,
    setu_code: Option<String>,
    status: Option<u16>,
    trace_id: Option<String>,
    retryable: bool,
    retry_after: Option<Duration>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// Creates an error of kind `code` with a one-sentence `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(Box::new(ErrorInner {
            code,
            message: message.into(),
            setu_code: None,
            status: None,
            trace_id: None,
            retryable: code.is_retryable(),
            retry_after: None,
            source: None,
        }))
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidConfig, message)
    }

    pub(crate) fn closed() -> Self {
        Self::new(
            ErrorCode::Closed,
            "the token manager is closed; create a new one to fetch tokens",
        )
    }

    /// Replaces `secret` in the message, for errors that quote user input.
    pub(crate) fn redacting(mut self, secret: &str) -> Self {
        if !secret.is_empty() {
            self.0.message = self.0.message.replace(secret, "[redacted]");
        }
        self
    }

    /// Caps the server's `Retry-After` at `max`.
    pub(crate) fn capping_retry_after(mut self, max: Duration) -> Self {
        self.0.retry_after = self.0.retry_after.map(|wait| wait.min(max));
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    pub(crate) fn with_setu_code(mut self, code: Option<String>) -> Self {
        self.0.setu_code = code;
        self
    }

    pub(crate) fn with_trace_id(mut self, trace_id: Option<String>) -> Self {
        self.0.trace_id = trace_id;
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.0.retry_after = retry_after;
        self
    }

    pub(crate) fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.0.source = Some(Arc::new(source));
        self
    }

    /// Returns the kind of failure.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// Returns the one-sentence message, without the Setu details that `Display` appends.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Returns Setu's own error code, such as `invalid-api-key`, when Setu sent one.
    pub fn setu_code(&self) -> Option<&str> {
        self.0.setu_code.as_deref()
    }

    /// Returns the HTTP status of the response that failed, if there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// Returns Setu's `traceID` for the failed request, to quote to Setu's support.
    pub fn trace_id(&self) -> Option<&str> {
        self.0.trace_id.as_deref()
    }

    /// Returns whether trying again later may succeed without any change by the caller.
    pub fn is_retryable(&self) -> bool {
        self.0.retryable
    }

    /// Returns how long Setu asked the caller to wait (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;

        let mut details = Vec::new();
        if let Some(code) = &self.0.setu_code {
            details.push(format!("Setu code {code}"));
        }
        if let Some(status) = self.0.status {
            details.push(format!("HTTP {status}"));
        }
        if let Some(trace_id) = &self.0.trace_id {
            details.push(format!("traceID {trace_id}"));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &self.0.code)
            .field("message", &self.0.message)
            .field("setu_code", &self.0.setu_code)
            .field("status", &self.0.status)
            .field("trace_id", &self.0.trace_id)
            .field("retryable", &self.0.retryable)
            .field("retry_after", &self.0.retry_after)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_result_is_two_words() {
        let size = std::mem::size_of::<Result<crate::Token, Error>>();

        assert_eq!(size, 2 * std::mem::size_of::<usize>());
    }

    #[test]
    fn codes_round_trip() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::from_code("nope"), None);
    }

    #[test]
    fn display_appends_setu_details() {
        let error = Error::new(ErrorCode::InvalidCredentials, "Setu rejected the key")
            .with_status(400)
            .with_setu_code(Some("invalid-api-key".into()))
            .with_trace_id(Some("trace-1".into()));

        assert_eq!(
            error.to_string(),
            "Setu rejected the key (Setu code invalid-api-key, HTTP 400, traceID trace-1)"
        );
        assert!(!error.is_retryable());
    }
}
