//! The bearer token handed to callers.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use zeroize::Zeroize;

/// A bearer token with its lifetime.
///
/// Cloning copies a pointer. `Debug` never shows the value, and the value is wiped from
/// memory when the last clone is dropped.
#[derive(Clone)]
pub struct Token(Arc<TokenInner>);

struct TokenInner {
    value: String,
    lifetime: Duration,
    expires_at: SystemTime,
}

impl Token {
    pub(crate) fn new(value: String, lifetime: Duration, expires_at: SystemTime) -> Self {
        Self(Arc::new(TokenInner {
            value,
            lifetime,
            expires_at,
        }))
    }

    /// Returns the token to send as `Authorization: Bearer <token>`.
    pub fn as_str(&self) -> &str {
        &self.0.value
    }

    /// Returns the lifetime the engine settled on for this token.
    pub fn lifetime(&self) -> Duration {
        self.0.lifetime
    }

    /// Returns when the token expires, as an estimate on this host's wall clock.
    ///
    /// The engine itself judges expiry on a monotonic clock measured from the moment the
    /// request was sent, so a wrong wall clock cannot make it use an expired token.
    pub fn expires_at(&self) -> SystemTime {
        self.0.expires_at
    }

    /// Returns the `Authorization` header value, `Bearer <token>`.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.0.value)
    }
}

impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.value == other.0.value
    }
}

impl Eq for Token {}

impl PartialEq<str> for Token {
    fn eq(&self, other: &str) -> bool {
        self.0.value == other
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &"[redacted]")
            .field("lifetime", &self.0.lifetime)
            .field("expires_at", &self.0.expires_at)
            .finish()
    }
}

impl Drop for TokenInner {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_value() {
        let token = Token::new(
            "eyJhbGciOi.secret-part.sig".into(),
            Duration::from_secs(1800),
            SystemTime::UNIX_EPOCH,
        );

        let debug = format!("{token:?}");
        assert!(!debug.contains("secret-part"), "{debug}");
        assert_eq!(token.bearer(), "Bearer eyJhbGciOi.secret-part.sig");
    }
}
