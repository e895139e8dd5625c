//! Token lifetime: reading `expiresIn` and JWT claims, and placing the refresh point.
//!
//! Lifetimes come from differences between server timestamps (`exp - iat`) or from
//! `expiresIn`, and are then counted on this host's monotonic clock from the moment the
//! request was sent. A host whose wall clock disagrees with the server's therefore neither
//! treats a fresh token as expired nor an expired one as fresh.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::config::{MAX_TOKEN_LIFETIME, RefreshPolicy};
use crate::error::{Error, ErrorCode};

/// The shortest token lifetime accepted. A shorter one would have the background task renew
/// it many times a second.
const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(1);

/// The time claims of a JWT, in seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct JwtTimes {
    pub(crate) iat: Option<f64>,
    pub(crate) exp: Option<f64>,
}

/// Parses Setu's `expiresIn`: a positive number of seconds, as a JSON number or a numeric
/// string.
pub(crate) fn parse_expires_in(value: &Value) -> Result<Duration, Error> {
    let seconds = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    let Some(seconds) = seconds.filter(|s| s.is_finite()) else {
        return Err(lifetime_error(format!(
            "Setu sent expiresIn {value} that is not a number of seconds"
        )));
    };

    lifetime_from_seconds(seconds, "expiresIn")
}

/// Reads `iat` and `exp` from a JWT's payload without checking its signature: the token is
/// opaque to this client, and the claims only refine when to renew it. Returns `None` when
/// `token` is not a JWT with a JSON payload.
pub(crate) fn jwt_times(token: &str) -> Option<JwtTimes> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }

    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let claim = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_f64)
            .filter(|v| v.is_finite())
    };

    Some(JwtTimes {
        iat: claim("iat"),
        exp: claim("exp"),
    })
}

/// Picks a token's lifetime: the shorter of `expires_in` and the JWT's `exp`, or the
/// policy's default when neither is present.
///
/// The JWT's `exp` is measured against its own `iat`, else against the response's `Date`
/// header, and only as a last resort against this host's wall clock; a claim judged on the
/// local clock alone is ignored when it gives a lifetime out of range, since that usually
/// means the two clocks disagree.
pub(crate) fn choose_lifetime(
    expires_in: Option<Duration>,
    jwt: Option<JwtTimes>,
    server_date: Option<SystemTime>,
    local_wall: SystemTime,
    policy: &RefreshPolicy,
) -> Result<Duration, Error> {
    let from_jwt = match jwt.and_then(|times| times.exp.map(|exp| (exp, times.iat))) {
        None => None,
        Some((exp, Some(iat))) => {
            let issued = lifetime_from_seconds(exp - iat, "the JWT's exp - iat")?;
            match server_date {
                // The server's own clock says how much of the token is left.
                Some(date) => Some(issued.min(lifetime_from_seconds(
                    exp - unix_seconds(date),
                    "the JWT's exp - the response's Date",
                )?)),
                None => Some(issued),
            }
        }
        Some((exp, None)) => jwt_lifetime_without_iat(exp, server_date, local_wall)?,
    };

    let lifetime = match (expires_in, from_jwt) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => policy.default_lifetime,
    };
    Ok(lifetime)
}

fn jwt_lifetime_without_iat(
    exp: f64,
    server_date: Option<SystemTime>,
    local_wall: SystemTime,
) -> Result<Option<Duration>, Error> {
    if let Some(date) = server_date {
        let lifetime = lifetime_from_seconds(exp - unix_seconds(date), "the JWT's exp - Date")?;
        return Ok(Some(lifetime));
    }

    match lifetime_from_seconds(exp - unix_seconds(local_wall), "the JWT's exp") {
        Ok(lifetime) => Ok(Some(lifetime)),
        Err(error) => {
            tracing::warn!(
                target: "setu_auth",
                %error,
                "ignoring the token's exp claim because this host's clock disagrees with it"
            );
            Ok(None)
        }
    }
}

fn lifetime_from_seconds(seconds: f64, what: &str) -> Result<Duration, Error> {
    if seconds < MIN_TOKEN_LIFETIME.as_secs_f64() {
        return Err(lifetime_error(format!(
            "{what} gives a token lifetime of {seconds} s; a token must live for at least 1 s"
        )));
    }
    if seconds > MAX_TOKEN_LIFETIME.as_secs_f64() {
        return Err(lifetime_error(format!(
            "{what} gives a token lifetime of {seconds} s, more than the one-day maximum"
        )));
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn lifetime_error(message: String) -> Error {
    Error::new(ErrorCode::InvalidTokenLifetime, message)
}

fn unix_seconds(time: SystemTime) -> f64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    }
}

/// When a token stops being handed out and when its renewal starts, on the monotonic clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Schedule {
    /// Background refresh starts here.
    pub(crate) refresh_at: Duration,
    /// The token is handed out until here.
    pub(crate) usable_until: Duration,
    /// The server considers the token expired from here.
    pub(crate) expires_at: Duration,
}

impl Schedule {
    /// Places the refresh point of a token of `lifetime` whose request was sent at `sent_at`.
    /// `jitter` is a random value in `[-1, 1]`.
    pub(crate) fn new(
        sent_at: Duration,
        lifetime: Duration,
        policy: &RefreshPolicy,
        jitter: f64,
    ) -> Self {
        let margin = policy.min_remaining.min(lifetime / 10);
        let expires_at = sent_at + lifetime;
        let usable_until = expires_at - margin;

        let share = policy.refresh_share + jitter.clamp(-1.0, 1.0) * policy.jitter_share;
        let refresh_at = (sent_at + lifetime.mul_f64(share.clamp(0.0, 1.0))).min(usable_until);

        Self {
            refresh_at,
            usable_until,
            expires_at,
        }
    }

    /// Places the refresh point of a token of `lifetime` of which `remaining` is left at
    /// `now`, such as one read from a shared store: the same share of the lifetime as for a
    /// token fetched here, counted from when the token was issued.
    pub(crate) fn resumed(
        now: Duration,
        lifetime: Duration,
        remaining: Duration,
        policy: &RefreshPolicy,
        jitter: f64,
    ) -> Self {
        let remaining = remaining.min(lifetime);
        let elapsed = lifetime - remaining;
        let margin = policy.min_remaining.min(lifetime / 10);
        let expires_at = now + remaining;
        let usable_until = expires_at.saturating_sub(margin).max(now);

        let share = policy.refresh_share + jitter.clamp(-1.0, 1.0) * policy.jitter_share;
        let refresh_after = lifetime.mul_f64(share.clamp(0.0, 1.0));
        let refresh_at = (now + refresh_after.saturating_sub(elapsed)).min(usable_until);

        Self {
            refresh_at,
            usable_until,
            expires_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(claims: Value) -> String {
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2lnbmF0dXJl")
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn expires_in_accepts_numbers_and_strings() {
        assert_eq!(
            parse_expires_in(&json!(1800)).unwrap(),
            Duration::from_secs(1800)
        );
        assert_eq!(
            parse_expires_in(&json!("300")).unwrap(),
            Duration::from_secs(300)
        );
        assert_eq!(
            parse_expires_in(&json!(" 60 ")).unwrap(),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn expires_in_rejects_bad_values() {
        for value in [
            json!(0),
            json!(-5),
            json!("-1"),
            json!(1e12),
            json!("soon"),
            json!(null),
            json!([1]),
        ] {
            let error = parse_expires_in(&value).expect_err("rejected");
            assert_eq!(error.code(), ErrorCode::InvalidTokenLifetime, "{value}");
        }
    }

    #[test]
    fn jwt_times_read_claims() {
        let token = jwt(json!({"iat": 1000, "exp": 1300, "sub": "x"}));

        let times = jwt_times(&token).expect("a JWT");

        assert_eq!(times.iat, Some(1000.0));
        assert_eq!(times.exp, Some(1300.0));
        assert_eq!(jwt_times("opaque-token"), None);
        assert_eq!(jwt_times("a.!!!.c"), None);
    }

    #[test]
    fn shorter_of_both_wins() {
        let policy = RefreshPolicy::default();
        let claims = jwt_times(&jwt(json!({"iat": 1000, "exp": 1300}))).unwrap();

        let lifetime = choose_lifetime(
            Some(Duration::from_secs(1800)),
            Some(claims),
            None,
            at(0),
            &policy,
        );
        assert_eq!(lifetime.unwrap(), Duration::from_secs(300));

        let lifetime = choose_lifetime(
            Some(Duration::from_secs(60)),
            Some(claims),
            None,
            at(0),
            &policy,
        );
        assert_eq!(lifetime.unwrap(), Duration::from_secs(60));
    }

    #[test]
    fn default_without_either() {
        let policy = RefreshPolicy::default();

        let lifetime = choose_lifetime(None, None, None, at(0), &policy).unwrap();

        assert_eq!(lifetime, Duration::from_secs(300));
    }

    #[test]
    fn skewed_local_clock_ignored_with_iat() {
        let policy = RefreshPolicy::default();
        let claims = jwt_times(&jwt(json!({"iat": 1000, "exp": 1300}))).unwrap();

        // The host's clock is a day ahead; exp - iat still gives 300 s.
        let lifetime = choose_lifetime(None, Some(claims), None, at(1000 + 86_400), &policy);

        assert_eq!(lifetime.unwrap(), Duration::from_secs(300));
    }

    #[test]
    fn past_jwt_rejected_against_date_header() {
        let policy = RefreshPolicy::default();
        let claims = jwt_times(&jwt(json!({"iat": 1000, "exp": 1300}))).unwrap();

        let error = choose_lifetime(None, Some(claims), Some(at(5000)), at(5000), &policy);

        assert_eq!(error.unwrap_err().code(), ErrorCode::InvalidTokenLifetime);
    }

    #[test]
    fn date_header_shortens_jwt_lifetime() {
        let policy = RefreshPolicy::default();
        let claims = jwt_times(&jwt(json!({"iat": 1000, "exp": 1300}))).unwrap();

        let lifetime = choose_lifetime(None, Some(claims), Some(at(1100)), at(0), &policy);

        assert_eq!(lifetime.unwrap(), Duration::from_secs(200));
    }

    #[test]
    fn exp_without_iat_uses_date_header() {
        let policy = RefreshPolicy::default();
        let claims = jwt_times(&jwt(json!({"exp": 1300}))).unwrap();

        let lifetime = choose_lifetime(None, Some(claims), Some(at(1000)), at(99_999), &policy);

        assert_eq!(lifetime.unwrap(), Duration::from_secs(300));
    }

    #[test]
    fn exp_without_iat_or_date_skew_falls_back() {
        let policy = RefreshPolicy::default();
        let claims = jwt_times(&jwt(json!({"exp": 1300}))).unwrap();

        // The local clock is past exp: the claim is ignored, not treated as expired.
        let lifetime = choose_lifetime(None, Some(claims), None, at(5000), &policy);

        assert_eq!(lifetime.unwrap(), policy.default_lifetime);
    }

    #[test]
    fn exp_before_iat_rejected() {
        let policy = RefreshPolicy::default();
        let claims = jwt_times(&jwt(json!({"iat": 1300, "exp": 1300}))).unwrap();

        let error = choose_lifetime(None, Some(claims), None, at(0), &policy).unwrap_err();

        assert_eq!(error.code(), ErrorCode::InvalidTokenLifetime);
    }

    #[test]
    fn schedule_scales_with_lifetime() {
        let policy = RefreshPolicy::default();

        for seconds in [300, 1800] {
            let lifetime = Duration::from_secs(seconds);
            let schedule = Schedule::new(Duration::from_secs(100), lifetime, &policy, 0.0);

            assert_eq!(
                schedule.refresh_at,
                Duration::from_secs(100) + lifetime.mul_f64(0.75)
            );
            assert_eq!(schedule.expires_at, Duration::from_secs(100) + lifetime);
            assert_eq!(
                schedule.usable_until,
                schedule.expires_at - Duration::from_secs(10)
            );
        }
    }

    #[test]
    fn schedule_jitter_bounded() {
        let policy = RefreshPolicy::default();
        let lifetime = Duration::from_secs(1000);

        let early = Schedule::new(Duration::ZERO, lifetime, &policy, -1.0);
        let late = Schedule::new(Duration::ZERO, lifetime, &policy, 1.0);

        assert_eq!(early.refresh_at, Duration::from_secs(700));
        assert_eq!(late.refresh_at, Duration::from_secs(800));
    }

    #[test]
    fn short_token_keeps_usable_window() {
        let policy = RefreshPolicy::default();

        let schedule = Schedule::new(Duration::ZERO, Duration::from_secs(5), &policy, 0.0);

        assert_eq!(schedule.usable_until, Duration::from_millis(4500));
        assert!(schedule.refresh_at <= schedule.usable_until);
        assert!(schedule.refresh_at > Duration::ZERO);
    }

    #[test]
    fn resumed_schedule_keeps_the_share_of_the_lifetime() {
        let policy = RefreshPolicy {
            jitter_share: 0.0,
            ..RefreshPolicy::default()
        };
        let now = Duration::from_secs(100);
        let lifetime = Duration::from_secs(1800);

        // 600 s of 1800 s used: the refresh point (75 %, 1350 s) is 750 s away.
        let schedule = Schedule::resumed(now, lifetime, Duration::from_secs(1200), &policy, 0.0);
        assert_eq!(schedule.refresh_at, now + Duration::from_secs(750));
        assert_eq!(schedule.expires_at, now + Duration::from_secs(1200));
        assert_eq!(schedule.usable_until, now + Duration::from_secs(1190));

        // Past the refresh point already: due at once.
        let late = Schedule::resumed(now, lifetime, Duration::from_secs(100), &policy, 0.0);
        assert_eq!(late.refresh_at, now);
    }
}
