//! Sharing one token through a store: on a local miss or at the refresh point a manager
//! first reads the store, and only one process at a time (the lease holder) fetches a new
//! token, which the others then read.
//!
//! A store failure never fails a caller: the manager logs a warning (at most one per
//! [`WARNING_INTERVAL`]) and fetches a token itself.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;

use crate::error::Error;
use crate::flight::Want;
use crate::lifetime::Schedule;
use crate::state::{Entry, Inner, KeyState, lock};
use crate::store::{self, StoreError, StoredToken, TokenStore, store_key};
use crate::token::Token;

/// Shortest gap between two warnings about a failing store.
const WARNING_INTERVAL: Duration = Duration::from_secs(30);

/// How often a manager waiting for another process's token reads the store.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Largest disagreement between hosts' wall clocks allowed for: a token read from a store
/// is treated as expiring this much earlier than its writer said, up to a twentieth of its
/// lifetime.
pub(crate) const MAX_CLOCK_SKEW: Duration = Duration::from_secs(2);

/// A manager's link to its shared store.
pub(crate) struct Shared {
    pub(crate) store: Box<dyn TokenStore>,
    /// How long a lease holder may take to fetch and write a token.
    pub(crate) lease: Duration,
    /// Milliseconds of the monotonic clock at the last warning, plus one; 0 before any.
    last_warning: AtomicU64,
    /// The last token the server rejected, so it is not read back from the store before
    /// the store has dropped it.
    rejected: Mutex<Option<Token>>,
}

impl Shared {
    pub(crate) fn new(store: Box<dyn TokenStore>, request_timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            store,
            lease: store::lease_time(request_timeout),
            last_warning: AtomicU64::new(0),
            rejected: Mutex::new(None),
        })
    }
}

impl Inner {
    /// Gets a token through the shared store: a usable one written by another process,
    /// else one fetched here by the lease holder and written for the others.
    pub(crate) async fn shared_entry(
        &self,
        shared: &Shared,
        keys: &KeyState,
        attempt: u32,
        want: Want,
    ) -> Result<Entry, Error> {
        let key = store_key(&self.endpoint, self.flavor, &keys.client_id, &keys.secret);
        let replacing = (want == Want::Fresh)
            .then(|| self.cache.load_full().map(|entry| entry.token.clone()))
            .flatten();
        let deadline = self.clock.now() + shared.lease * 2;

        loop {
            match self.read_shared(shared, &key, replacing.as_ref()).await {
                Ok(Some(entry)) => return Ok(entry),
                Ok(None) => {}
                Err(error) => return self.fetch_alone(shared, &key, keys, attempt, &error).await,
            }

            match shared.store.try_lease(&key, shared.lease).await {
                Ok(Some(lease)) => {
                    let result = self
                        .fetch_as_holder(shared, &key, keys, attempt, replacing.as_ref())
                        .await;
                    if let Err(error) = shared.store.release(&key, lease).await {
                        self.warn_store(shared, &error);
                    }
                    return result;
                }
                Ok(None) => {}
                Err(error) => return self.fetch_alone(shared, &key, keys, attempt, &error).await,
            }

            // NOTE: a holder's failed request is not shared: each waiter then takes the
            // lease in turn and sends its own request. A file-store holder that hangs while
            // alive keeps its lock, so its waiters fetch on their own after the deadline.
            if self.clock.now() >= deadline || self.wake.is_closed() {
                tracing::warn!(
                    target: "setu_auth",
                    waited_ms = (shared.lease * 2).as_millis() as u64,
                    "no shared token appeared while another process held the refresh lease; fetching one here"
                );
                let entry = self.fetch_entry(keys, attempt).await?;
                self.write_shared(shared, &key, &entry).await;
                return Ok(entry);
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Fetches as the lease holder, unless a token appeared between the last read and the
    /// lease, and writes the result for the other processes.
    async fn fetch_as_holder(
        &self,
        shared: &Shared,
        key: &str,
        keys: &KeyState,
        attempt: u32,
        replacing: Option<&Token>,
    ) -> Result<Entry, Error> {
        if let Ok(Some(entry)) = self.read_shared(shared, key, replacing).await {
            return Ok(entry);
        }

        let entry = self.fetch_entry(keys, attempt).await?;
        self.write_shared(shared, key, &entry).await;
        Ok(entry)
    }

    /// Fetches without the store after it failed, and tries to write the result anyway.
    async fn fetch_alone(
        &self,
        shared: &Shared,
        key: &str,
        keys: &KeyState,
        attempt: u32,
        error: &StoreError,
    ) -> Result<Entry, Error> {
        self.warn_store(shared, error);
        let entry = self.fetch_entry(keys, attempt).await?;
        self.write_shared(shared, key, &entry).await;
        Ok(entry)
    }

    /// Reads the store and returns its token as a cache entry if it is not yet due for
    /// refresh and is not `replacing` (the token being renewed) nor a rejected one.
    async fn read_shared(
        &self,
        shared: &Shared,
        key: &str,
        replacing: Option<&Token>,
    ) -> Result<Option<Entry>, StoreError> {
        let Some(text) = shared.store.load(key).await? else {
            return Ok(None);
        };
        let stored = match StoredToken::decode(&text) {
            Ok(stored) => stored,
            Err(reason) => {
                // Garbage is left for the next write to replace.
                self.warn_store(
                    shared,
                    &StoreError(format!("ignoring a shared token: {reason}")),
                );
                return Ok(None);
            }
        };

        if replacing.is_some_and(|token| *token == *stored.token) {
            return Ok(None);
        }
        let rejected = lock(&shared.rejected)
            .as_ref()
            .is_some_and(|token| *token == *stored.token);
        if rejected {
            shared.store.remove_if(key, stored.token).await?;
            return Ok(None);
        }
        Ok(self.entry_from_store(&stored))
    }

    /// Turns a stored token into a cache entry, scheduled from its remaining lifetime on
    /// this host's clock; `None` when it is due for refresh or expired.
    fn entry_from_store(&self, stored: &StoredToken) -> Option<Entry> {
        let lifetime = stored.lifetime();
        let skew = MAX_CLOCK_SKEW.min(lifetime / 20);
        let remaining = stored.remaining(self.clock.wall(), skew)?;

        let now = self.clock.now();
        let jitter = rand::thread_rng().gen_range(-1.0..=1.0);
        let schedule = Schedule::resumed(now, lifetime, remaining, &self.policy, jitter);
        if now >= schedule.refresh_at {
            return None;
        }

        tracing::debug!(target: "setu_auth", remaining_ms = remaining.as_millis() as u64, "using the shared token");
        Some(Entry {
            id: self.next_id(),
            token: Token::new(stored.token.clone(), lifetime, stored.expires_at()),
            schedule,
        })
    }

    /// Writes a token fetched here to the store; a failure is only logged.
    async fn write_shared(&self, shared: &Shared, key: &str, entry: &Entry) {
        let stored = StoredToken::of(&entry.token);
        let ttl = entry.schedule.expires_at.saturating_sub(self.clock.now());
        if let Err(error) = shared.store.save(key, stored.encode(), ttl).await {
            self.warn_store(shared, &error);
        }
    }

    /// Removes `token` from the store if it is still the shared one, after the server
    /// rejected it here.
    pub(crate) fn forget_shared(&self, token: &Token) {
        let Some(shared) = self.shared.as_ref() else {
            return;
        };
        *lock(&shared.rejected) = Some(token.clone());

        let keys = lock(&self.keys).clone();
        let key = store_key(&self.endpoint, self.flavor, &keys.client_id, &keys.secret);
        let value = token.as_str().to_owned();
        let shared = Arc::clone(shared);
        let clock = self.clock.clone();
        self.runtime.spawn(async move {
            if let Err(error) = shared.store.remove_if(&key, value).await {
                shared.warn(clock.now(), &error);
            }
        });
    }

    fn warn_store(&self, shared: &Shared, error: &StoreError) {
        shared.warn(self.clock.now(), error);
    }
}

impl Shared {
    /// Logs a store failure, at most once per [`WARNING_INTERVAL`]; `now` is the
    /// monotonic reading.
    pub(crate) fn warn(&self, now: Duration, error: &StoreError) {
        let now = now.as_millis() as u64 + 1;
        let last = self.last_warning.load(Ordering::Relaxed);
        let interval = WARNING_INTERVAL.as_millis() as u64;
        if last != 0 && now.saturating_sub(last) < interval {
            return;
        }
        if self
            .last_warning
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            tracing::warn!(
                target: "setu_auth",
                "token store unavailable, using this process's own token: {error}"
            );
        }
    }
}
