//! Retry delays: capped exponential backoff with jitter, stretched to honour `Retry-After`.

use std::time::Duration;

use crate::config::RefreshPolicy;

/// Returns the delay before retry number `attempt` (1 for the first retry).
///
/// The base delay doubles from `min_backoff` up to `max_backoff`; `unit`, a random value
/// in `[0, 1)`, spreads it over its upper half. A server's `Retry-After`, capped at
/// `max_retry_after`, is a lower bound.
pub(crate) fn retry_delay(
    policy: &RefreshPolicy,
    attempt: u32,
    retry_after: Option<Duration>,
    unit: f64,
) -> Duration {
    let doublings = attempt.saturating_sub(1).min(30);
    let base = policy
        .min_backoff
        .saturating_mul(1u32 << doublings)
        .min(policy.max_backoff);
    let jittered = base.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0));

    match retry_after {
        Some(wait) => jittered.max(wait.min(policy.max_retry_after)),
        None => jittered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_until_capped() {
        let policy = RefreshPolicy::default();

        let delays: Vec<Duration> = (1..=10)
            .map(|n| retry_delay(&policy, n, None, 1.0))
            .collect();

        assert_eq!(delays[0], Duration::from_millis(500));
        assert_eq!(delays[1], Duration::from_secs(1));
        assert_eq!(delays[2], Duration::from_secs(2));
        assert_eq!(delays[9], Duration::from_secs(30));
    }

    #[test]
    fn jitter_spreads_upper_half() {
        let policy = RefreshPolicy::default();

        assert_eq!(retry_delay(&policy, 3, None, 0.0), Duration::from_secs(1));
        assert_eq!(
            retry_delay(&policy, 3, None, 0.5),
            Duration::from_millis(1500)
        );
    }

    #[test]
    fn retry_after_is_lower_bound_and_capped() {
        let policy = RefreshPolicy::default();

        let honoured = retry_delay(&policy, 1, Some(Duration::from_secs(7)), 0.0);
        let capped = retry_delay(&policy, 1, Some(Duration::from_secs(3600)), 0.0);

        assert_eq!(honoured, Duration::from_secs(7));
        assert_eq!(capped, Duration::from_secs(60));
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let policy = RefreshPolicy::default();

        assert_eq!(
            retry_delay(&policy, u32::MAX, None, 1.0),
            Duration::from_secs(30)
        );
    }
}
