//! The emulator's wall clock: the real time plus a configurable skew.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Largest skew, in seconds, that the clock accepts in either direction (50 years).
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 50 * 365 * 24 * 60 * 60;

/// Last second that HTTP dates and RFC 3339 timestamps can show (9999-12-31T23:59:59Z).
const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// Wall clock whose reading is the real time shifted by a skew in seconds.
#[derive(Debug, Default)]
pub struct Clock {
    skew_seconds: AtomicI64,
}

impl Clock {
    /// Sets the skew, which must lie within [`MAX_CLOCK_SKEW_SECONDS`] of zero.
    ///
    /// Returns `false`, and keeps the old skew, when `seconds` is out of range.
    pub fn set_skew(&self, seconds: i64) -> bool {
        if seconds.abs() > MAX_CLOCK_SKEW_SECONDS {
            return false;
        }

        self.skew_seconds.store(seconds, Ordering::Relaxed);
        true
    }

    /// Returns the current skew in seconds.
    pub fn skew(&self) -> i64 {
        self.skew_seconds.load(Ordering::Relaxed)
    }

    /// Returns the skewed time in whole seconds since the Unix epoch.
    pub fn now_unix(&self) -> i64 {
        let real = real_unix_seconds();
        real.saturating_add(self.skew()).clamp(0, MAX_UNIX_SECONDS)
    }

    /// Returns the skewed time as a `SystemTime`, for HTTP dates.
    pub fn now_system(&self) -> SystemTime {
        let seconds = u64::try_from(self.now_unix()).unwrap_or(0);
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    /// Formats the skewed time as an RFC 1123 HTTP date, as the `Date` header needs.
    pub fn http_date(&self) -> String {
        httpdate::fmt_http_date(self.now_system())
    }

    /// Formats the skewed time as an RFC 3339 UTC timestamp such as `2024-05-01T10:20:30Z`.
    pub fn rfc3339(&self) -> String {
        format_rfc3339(self.now_unix())
    }
}

/// Reads the real wall clock in whole seconds since the Unix epoch.
#[allow(clippy::disallowed_methods)] // The emulator is the time source that tests skew, so it reads the real clock here and only here.
fn real_unix_seconds() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    i64::try_from(elapsed.as_secs()).unwrap_or(MAX_UNIX_SECONDS)
}

/// Formats seconds since the Unix epoch (non-negative) as an RFC 3339 UTC timestamp.
fn format_rfc3339(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let second_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_date(days);

    let hour = second_of_day / 3600;
    let minute = second_of_day % 3600 / 60;
    let second = second_of_day % 60;
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
///
/// The calculation counts 400-year eras that start on March 1, so that the leap day
/// falls at the end of each year of the era.
fn civil_date(days_since_epoch: i64) -> (i64, i64, i64) {
    let shifted = days_since_epoch + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);

    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;

    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_rfc3339(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(format_rfc3339(MAX_UNIX_SECONDS), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn skew_outside_range_is_rejected() {
        let clock = Clock::default();

        assert!(clock.set_skew(-3600));
        assert!(!clock.set_skew(MAX_CLOCK_SKEW_SECONDS + 1));
        assert_eq!(clock.skew(), -3600);
    }

    #[test]
    fn skew_shifts_reading() {
        let clock = Clock::default();
        let before = clock.now_unix();

        clock.set_skew(1000);
        let after = clock.now_unix();

        assert!((after - before - 1000).abs() <= 1);
    }
}
