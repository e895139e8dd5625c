//! The state shared by a manager's handles and its background task.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use arc_swap::cache::Cache;
use tokio::runtime::Handle;
use tokio::sync::{Notify, watch};
use url::Url;

use crate::clock::Clock;
use crate::config::{Flavor, RefreshPolicy};
use crate::error::Error;
use crate::flight::Flight;
use crate::hits::{HitShards, LocalHits};
use crate::lifetime::Schedule;
use crate::secret::Secret;
use crate::shared::Shared;
use crate::stats::Counters;
use crate::token::Token;

/// Shortest gap between two wake-ups of the refresher caused by callers served a stale
/// token, so a tight loop of calls cannot keep the background task spinning.
const NUDGE_INTERVAL: Duration = Duration::from_secs(1);

/// The shared slot of the current cache entry.
pub(crate) type Slot = Arc<ArcSwapOption<Entry>>;

thread_local! {
    /// This thread's view of the slot it read last, with its shard of that manager's hit
    /// counter. Reading through it costs one atomic load while the entry is unchanged,
    /// instead of the guard that a plain load takes.
    static LOCAL_VIEW: RefCell<Option<View>> = const { RefCell::new(None) };
}

struct View {
    cache: Cache<Slot, Option<Arc<Entry>>>,
    hits: LocalHits,
}

/// Where a read records a cache hit: this thread's shard, or the shared counter when the
/// thread-local view is unavailable (during thread exit).
pub(crate) enum HitRecorder<'a> {
    Local(&'a LocalHits),
    Shared(&'a crate::stats::Counter),
}

impl HitRecorder<'_> {
    #[inline]
    pub(crate) fn record(&self) {
        match self {
            Self::Local(hits) => hits.increment(),
            Self::Shared(counter) => counter.increment(),
        }
    }
}

/// Calls `read` with the current entry of the manager's slot, through this thread's view.
///
/// NOTE: the view keeps the last entry this thread read (and so its token) in memory until
/// the thread reads a slot again or exits, even after the manager is closed.
#[inline]
fn with_entry<R>(inner: &Inner, read: impl Fn(Option<&Entry>, HitRecorder<'_>) -> R) -> R {
    let viewed = LOCAL_VIEW.try_with(|view| {
        let mut view = view.try_borrow_mut().ok()?;
        let current = view
            .as_ref()
            .is_some_and(|view| std::ptr::eq(view.cache.arc_swap(), &*inner.cache));
        if !current {
            *view = Some(View {
                cache: Cache::new(Arc::clone(&inner.cache)),
                hits: LocalHits::new(&inner.hit_shards),
            });
        }
        let view = view.as_mut()?;
        let entry = view.cache.load().as_deref();
        Some(read(entry, HitRecorder::Local(&view.hits)))
    });

    match viewed {
        Ok(Some(result)) => result,
        _ => read(
            inner.cache.load().as_deref(),
            HitRecorder::Shared(&inner.counters.cache_hits),
        ),
    }
}

/// A cached token and when to renew it.
pub(crate) struct Entry {
    pub(crate) id: u64,
    pub(crate) token: Token,
    pub(crate) schedule: Schedule,
}

/// The key in use. `generation` grows with every credential swap, so results of requests
/// made with an older key can be recognised and dropped.
#[derive(Clone)]
pub(crate) struct KeyState {
    pub(crate) client_id: String,
    pub(crate) secret: Secret,
    pub(crate) generation: u64,
}

/// A failure remembered so that repeated calls do not hammer the token endpoint.
pub(crate) struct Negative {
    pub(crate) error: Error,
    pub(crate) until: Duration,
    pub(crate) generation: u64,
}

/// Progress of the background refresh of one cache entry.
#[derive(Default)]
pub(crate) struct RetryState {
    pub(crate) entry_id: u64,
    pub(crate) attempt: u32,
    pub(crate) next_at: Duration,
    pub(crate) gave_up: bool,
}

/// Wakes the background refresher, and tells it and every waiting caller when to stop.
pub(crate) struct Wake {
    notify: Notify,
    closed: AtomicBool,
    closed_signal: watch::Sender<bool>,
    last_nudge: AtomicU64,
}

impl Default for Wake {
    fn default() -> Self {
        Self {
            notify: Notify::new(),
            closed: AtomicBool::new(false),
            closed_signal: watch::Sender::new(false),
            last_nudge: AtomicU64::new(0),
        }
    }
}

impl Wake {
    pub(crate) fn notify(&self) {
        self.notify.notify_one();
    }

    /// Wakes the refresher at most once per [`NUDGE_INTERVAL`].
    pub(crate) fn nudge(&self, now: Duration) {
        let now_ms = now.as_millis() as u64;
        let last = self.last_nudge.load(Ordering::Relaxed);
        let interval_ms = NUDGE_INTERVAL.as_millis() as u64;
        if now_ms.saturating_sub(last) < interval_ms && last != 0 {
            return;
        }
        if self
            .last_nudge
            .compare_exchange(last, now_ms.max(1), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            self.notify.notify_one();
        }
    }

    pub(crate) async fn notified(&self) {
        self.notify.notified().await;
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.closed_signal.send_replace(true);
        self.notify.notify_one();
    }

    /// Completes once the manager is closed.
    pub(crate) async fn closed(&self) {
        let mut receiver = self.closed_signal.subscribe();
        let _ = receiver.wait_for(|closed| *closed).await;
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

/// Everything a manager owns.
pub(crate) struct Inner {
    pub(crate) endpoint: Url,
    pub(crate) flavor: Flavor,
    pub(crate) product_instance_id: Option<String>,
    pub(crate) policy: RefreshPolicy,
    pub(crate) max_body_bytes: usize,
    pub(crate) http: reqwest::Client,
    pub(crate) clock: Clock,
    pub(crate) runtime: Handle,
    pub(crate) cache: Slot,
    pub(crate) keys: Mutex<KeyState>,
    pub(crate) flight: Mutex<Option<Flight>>,
    pub(crate) negative: Mutex<Option<Negative>>,
    pub(crate) retry: Mutex<RetryState>,
    pub(crate) counters: Counters,
    pub(crate) hit_shards: Arc<HitShards>,
    pub(crate) wake: Arc<Wake>,
    pub(crate) next_id: AtomicU64,
    /// The store shared with other processes; `None` for the in-memory store.
    pub(crate) shared: Option<Arc<Shared>>,
}

impl Inner {
    /// Returns the cached token while it is usable, without I/O and without a lock.
    #[inline]
    pub(crate) fn cached(&self) -> Option<Token> {
        with_entry(self, |entry, hits| {
            let entry = entry?;
            let now = self.clock.now();

            if now < entry.schedule.refresh_at {
                hits.record();
                return Some(entry.token.clone());
            }
            if now < entry.schedule.usable_until {
                self.counters.stale_serves.increment();
                self.wake.nudge(now);
                return Some(entry.token.clone());
            }
            None
        })
    }

    /// Returns the cached token and the time left before its refresh point.
    pub(crate) fn fresh(&self) -> Option<(Token, Duration)> {
        with_entry(self, |entry, hits| {
            let entry = entry?;
            let left = entry.schedule.refresh_at.checked_sub(self.clock.now())?;
            if left.is_zero() {
                return None;
            }

            hits.record();
            Some((entry.token.clone(), left))
        })
    }

    /// Returns the time left before the refresh point of the cached token if it is still
    /// `token`, without counting a cache hit.
    pub(crate) fn refresh_in(&self, token: &str) -> Option<Duration> {
        let guard = self.cache.load();
        let entry = guard.as_ref().filter(|entry| entry.token == *token)?;
        let left = entry.schedule.refresh_at.checked_sub(self.clock.now())?;
        (!left.is_zero()).then_some(left)
    }

    /// Discards the cached token if it is still `token`.
    pub(crate) fn invalidate(&self, token: &str) -> bool {
        let current = self.cache.load();
        let Some(entry) = current.as_ref() else {
            return false;
        };
        if entry.token != *token {
            return false;
        }

        let previous = self.cache.compare_and_swap(&current, None);
        let swapped = matches!(&*previous, Some(prev) if Arc::ptr_eq(prev, entry));
        if swapped {
            self.counters.invalidations.increment();
            tracing::debug!(target: "setu_auth", "discarded a token the server rejected");
            self.forget_shared(&entry.token);
        }
        swapped
    }

    /// Replaces the key and drops every token of the old one.
    pub(crate) fn set_credentials(&self, client_id: String, secret: Secret) {
        let mut keys = lock(&self.keys);
        keys.client_id = client_id;
        keys.secret = secret;
        keys.generation += 1;
        self.cache.store(None);
        drop(keys);

        *lock(&self.negative) = None;
        *lock(&self.retry) = RetryState::default();
        tracing::info!(target: "setu_auth", "credentials replaced; old tokens discarded");
    }

    /// Returns the remembered failure for the current key, if it has not lapsed.
    pub(crate) fn negative_hit(&self, generation: u64) -> Option<Error> {
        let negative = lock(&self.negative);
        let remembered = negative.as_ref()?;
        let fresh = remembered.generation == generation && self.clock.now() < remembered.until;
        fresh.then(|| remembered.error.clone())
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn close(&self) {
        self.wake.close();
        self.cache.store(None);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.wake.close();
    }
}

/// Locks `mutex`, recovering the data if a thread panicked while holding it: every value
/// behind these locks is valid after any partial update.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
