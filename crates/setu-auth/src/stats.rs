//! Counters of what the engine did.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of a manager's counters since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Token requests sent to Setu.
    pub token_requests: u64,
    /// Token requests that returned a usable token.
    pub token_successes: u64,
    /// Token requests that failed, for any reason.
    pub token_failures: u64,
    /// Calls answered from the cache before the token's refresh point.
    pub cache_hits: u64,
    /// Calls answered from the cache after the refresh point, while renewal was pending.
    pub stale_serves: u64,
    /// Calls to `invalidate` that discarded the current token.
    pub invalidations: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) token_requests: Counter,
    pub(crate) token_successes: Counter,
    pub(crate) token_failures: Counter,
    pub(crate) cache_hits: Counter,
    pub(crate) stale_serves: Counter,
    pub(crate) invalidations: Counter,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            token_requests: self.token_requests.get(),
            token_successes: self.token_successes.get(),
            token_failures: self.token_failures.get(),
            cache_hits: self.cache_hits.get(),
            stale_serves: self.stale_serves.get(),
            invalidations: self.invalidations.get(),
        }
    }
}

#[derive(Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    #[inline]
    pub(crate) fn increment(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}
