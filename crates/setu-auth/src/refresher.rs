//! The background task that renews the cached token before it expires.
//!
//! The task holds only a weak reference to the manager while it waits, so dropping the last
//! handle ends it; `close` ends it too. A failed renewal keeps the current token in use and
//! is retried with backoff until the token stops being usable, or not at all when the
//! failure is permanent.

use std::sync::{Arc, Weak};
use std::time::Duration;

use rand::Rng;

use crate::backoff::retry_delay;
use crate::clock::Clock;
use crate::error::Error;
use crate::flight::Want;
use crate::state::{Entry, Inner, RetryState, Wake, lock};

enum Plan {
    /// Nothing to renew until a token is cached.
    Wait,
    /// Renew at this monotonic time.
    At(Duration),
}

/// Starts the refresher for `inner`.
pub(crate) fn spawn(inner: &Arc<Inner>) {
    let weak = Arc::downgrade(inner);
    let wake = Arc::clone(&inner.wake);
    let clock = inner.clock.clone();
    inner.runtime.spawn(run(weak, wake, clock));
}

async fn run(weak: Weak<Inner>, wake: Arc<Wake>, clock: Clock) {
    loop {
        let plan = match weak.upgrade() {
            Some(inner) if !wake.is_closed() => inner.plan(),
            _ => return,
        };

        match plan {
            Plan::Wait => wake.notified().await,
            Plan::At(deadline) => {
                tokio::select! {
                    () = clock.sleep_until(deadline) => {}
                    () = wake.notified() => {}
                }
            }
        }

        if wake.is_closed() {
            return;
        }
        let Some(inner) = weak.upgrade() else {
            return;
        };
        inner.renew_if_due().await;
    }
}

impl Inner {
    fn plan(&self) -> Plan {
        let Some(entry) = self.cache.load_full() else {
            return Plan::Wait;
        };

        let retry = lock(&self.retry);
        if retry.entry_id != entry.id {
            return Plan::At(entry.schedule.refresh_at);
        }
        if retry.gave_up {
            return Plan::Wait;
        }
        Plan::At(entry.schedule.refresh_at.max(retry.next_at))
    }

    async fn renew_if_due(self: Arc<Self>) {
        let Some(entry) = self.cache.load_full() else {
            return;
        };
        let (attempt, due) = {
            let retry = lock(&self.retry);
            if retry.entry_id == entry.id {
                let due = !retry.gave_up && self.clock.now() >= retry.next_at;
                (retry.attempt + 1, due)
            } else {
                (1, true)
            }
        };
        if !due || self.clock.now() < entry.schedule.refresh_at {
            return;
        }

        tracing::debug!(target: "setu_auth", attempt, "renewing the token in the background");
        let result = self.join_flight(Want::Fresh, attempt).await;
        if let Err(error) = result {
            self.schedule_retry(&entry, attempt, &error);
        }
    }

    /// Records when to try again after a failed renewal, or that renewal has stopped.
    fn schedule_retry(&self, entry: &Entry, attempt: u32, error: &Error) {
        let unit = rand::thread_rng().gen_range(0.0..1.0);
        let delay = retry_delay(&self.policy, attempt, error.retry_after(), unit);
        let next_at = self.clock.now().saturating_add(delay);
        let gave_up = !error.is_retryable() || next_at >= entry.schedule.usable_until;

        *lock(&self.retry) = RetryState {
            entry_id: entry.id,
            attempt,
            next_at,
            gave_up,
        };

        if gave_up {
            tracing::warn!(
                target: "setu_auth",
                attempt,
                code = %error.code(),
                "stopped renewing the token in the background; the current token is used until it expires"
            );
        } else {
            tracing::warn!(
                target: "setu_auth",
                attempt,
                retry_in_ms = delay.as_millis() as u64,
                code = %error.code(),
                "background token renewal failed; retrying"
            );
        }
    }
}
