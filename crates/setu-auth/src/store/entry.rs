//! What a store holds per key: the token, its lifetime and its wall-clock expiry.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::token::Token;

/// The longest entry accepted from a store; a token response is far smaller.
pub(crate) const MAX_ENTRY_BYTES: usize = 64 * 1024;

/// A token as written to a store. It never holds the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredToken {
    /// Format version, 1.
    pub(crate) v: u32,
    /// The bearer token.
    pub(crate) token: String,
    /// The lifetime the writer settled on, in milliseconds.
    pub(crate) lifetime_ms: u64,
    /// When the token expires on the writer's wall clock, in milliseconds since the Unix
    /// epoch.
    pub(crate) expires_at_ms: u64,
}

impl StoredToken {
    /// Describes `token` for a store.
    pub(crate) fn of(token: &Token) -> Self {
        let expires_at = token
            .expires_at()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            v: 1,
            token: token.as_str().to_owned(),
            lifetime_ms: millis(token.lifetime()),
            expires_at_ms: millis(expires_at),
        }
    }

    /// Encodes the entry as one line of JSON.
    pub(crate) fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Decodes an entry, or returns why it is unusable. The message never quotes the entry.
    pub(crate) fn decode(text: &str) -> Result<Self, String> {
        if text.len() > MAX_ENTRY_BYTES {
            return Err(format!("entry of {} bytes is too large", text.len()));
        }
        // serde_json's messages quote string values, which may be tokens: only the
        // position is kept.
        let entry: Self = serde_json::from_str(text).map_err(|error| {
            format!(
                "entry is not a valid token entry (line {}, column {})",
                error.line(),
                error.column()
            )
        })?;
        if entry.v != 1 {
            return Err(format!("entry has unknown format version {}", entry.v));
        }
        if entry.token.is_empty() || !entry.token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("entry holds an empty or malformed token".to_owned());
        }
        if entry.lifetime_ms == 0 || entry.lifetime() > crate::config::MAX_TOKEN_LIFETIME {
            return Err(format!("entry has a lifetime of {} ms", entry.lifetime_ms));
        }
        Ok(entry)
    }

    /// The lifetime the writer settled on.
    pub(crate) fn lifetime(&self) -> Duration {
        Duration::from_millis(self.lifetime_ms)
    }

    /// The writer's wall-clock expiry.
    pub(crate) fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.expires_at_ms)
    }

    /// The time left on `now`'s wall clock, judged conservatively: never more than the
    /// lifetime, less `skew` for clocks that disagree between hosts. `None` once nothing
    /// is left.
    pub(crate) fn remaining(&self, now: SystemTime, skew: Duration) -> Option<Duration> {
        let left = self.expires_at().duration_since(now).ok()?;
        if left > self.lifetime().saturating_add(skew) {
            // Expiring later than a fresh token could: written by a clock that ran ahead,
            // or forged. Its real age is unknown, so it is not used.
            return None;
        }
        let left = left.min(self.lifetime()).checked_sub(skew)?;
        (!left.is_zero()).then_some(left)
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoredToken {
        StoredToken {
            v: 1,
            token: "eyJ.payload.sig".into(),
            lifetime_ms: 1_800_000,
            expires_at_ms: 1_000_000_000_000,
        }
    }

    #[test]
    fn decode_error_never_quotes_entry() {
        let text = r#"{"v":1,"token":"t","lifetime_ms":"SECRET-LOOKING-VALUE","expires_at_ms":1}"#;

        let error = StoredToken::decode(text).expect_err("invalid");

        assert!(!error.contains("SECRET-LOOKING-VALUE"), "{error}");
    }

    #[test]
    fn far_future_expiry_not_used() {
        let entry = sample();
        let now = entry.expires_at() - Duration::from_secs(10 * 365 * 24 * 3600);

        assert_eq!(entry.remaining(now, Duration::from_secs(2)), None);
    }

    #[test]
    fn round_trip() {
        let entry = sample();
        let text = entry.encode();

        assert_eq!(StoredToken::decode(&text), Ok(entry));
        assert!(!text.contains("secret"));
    }

    #[test]
    fn garbage_rejected() {
        let valid = sample().encode();
        let cases = [
            "",
            "not json",
            "{}",
            &valid.replace("\"v\":1", "\"v\":2"),
            &valid.replace("eyJ.payload.sig", ""),
            &valid.replace("eyJ.payload.sig", "bad token"),
            &valid.replace("1800000", "0"),
            &valid.replace("1800000", "999999999999"),
        ];

        for case in cases {
            assert!(StoredToken::decode(case).is_err(), "{case}");
        }
    }

    #[test]
    fn remaining_is_conservative() {
        let entry = sample();
        let expires = entry.expires_at();
        let skew = Duration::from_secs(2);

        let at = |before: u64| expires - Duration::from_secs(before);
        assert_eq!(
            entry.remaining(at(100), skew),
            Some(Duration::from_secs(98))
        );
        // A reader whose clock runs far behind cannot tell the token's age: not used.
        assert_eq!(entry.remaining(at(10_000), skew), None);
        // Within the skew allowance of a full lifetime it is capped at the lifetime.
        assert_eq!(
            entry.remaining(at(1_801), skew),
            Some(Duration::from_secs(1798))
        );
        assert_eq!(entry.remaining(at(1), skew), None);
        assert_eq!(
            entry.remaining(expires + Duration::from_secs(5), skew),
            None
        );
    }
}
