//! Single-flight token requests: however many callers need a token at once, one request
//! goes out and every caller receives its result.
//!
//! The request runs in its own task, so a caller that gives up waiting cannot cancel it
//! for the others, and its result still lands in the cache.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use rand::Rng;

use crate::error::{Error, ErrorCode};
use crate::lifetime::{Schedule, choose_lifetime, jwt_times};
use crate::state::{Entry, Inner, KeyState, Negative, lock};
use crate::token::Token;
use crate::wire::{RawToken, TokenRequest};

/// The shared result of one token request.
pub(crate) type SharedFetch = Shared<BoxFuture<'static, Result<Token, Error>>>;

/// A token request in progress.
pub(crate) struct Flight {
    id: u64,
    generation: u64,
    future: SharedFetch,
}

/// How a caller wants a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// A usable token: the cache, a request in progress, or a new request.
    Usable,
    /// A token newer than the cached one, even if that one is still usable.
    Fresh,
}

impl Inner {
    /// Returns the shared result of the token request in progress, starting one if needed.
    pub(crate) fn join_flight(self: &Arc<Self>, want: Want, attempt: u32) -> SharedFetch {
        let mut slot = lock(&self.flight);
        if self.wake.is_closed() {
            return ready(Err(Error::closed()));
        }
        if want == Want::Usable {
            if let Some(token) = self.cached() {
                return ready(Ok(token));
            }
        }

        let generation = lock(&self.keys).generation;
        if let Some(flight) = slot.as_ref().filter(|f| f.generation == generation) {
            return flight.future.clone();
        }
        if let Some(error) = self.negative_hit(generation) {
            return ready(Err(error));
        }

        let id = self.next_id();
        let task = self
            .runtime
            .spawn(Arc::clone(self).run_flight(id, attempt, want));
        let future = async move {
            task.await.unwrap_or_else(|error| {
                Err(Error::new(
                    ErrorCode::Internal,
                    format!("the token request task ended abnormally: {error}"),
                ))
            })
        }
        .boxed()
        .shared();

        *slot = Some(Flight {
            id,
            generation,
            future: future.clone(),
        });
        future
    }

    /// Returns the result of [`Inner::join_flight`], or [`Error::closed`] as soon as the
    /// manager is closed, whichever comes first.
    pub(crate) fn wait_flight(
        self: &Arc<Self>,
        want: Want,
    ) -> BoxFuture<'static, Result<Token, Error>> {
        let flight = self.join_flight(want, 1);
        let wake = Arc::clone(&self.wake);
        async move {
            tokio::select! {
                result = flight => result,
                () = wake.closed() => Err(Error::closed()),
            }
        }
        .boxed()
    }

    async fn run_flight(
        self: Arc<Self>,
        id: u64,
        attempt: u32,
        want: Want,
    ) -> Result<Token, Error> {
        // Clears the slot even if this task panics or is cancelled, so later callers start a
        // new request instead of joining a dead one.
        let slot_guard = ClearFlight { inner: &self, id };
        let keys = lock(&self.keys).clone();
        let result = match &self.shared {
            None => self.fetch_entry(&keys, attempt).await,
            Some(shared) => self.shared_entry(shared, &keys, attempt, want).await,
        };
        let outcome = self.settle(&keys, result);

        drop(slot_guard);

        match outcome {
            Outcome::Done(result) => result,
            Outcome::Superseded => self.join_flight(Want::Usable, attempt).await,
        }
    }

    fn clear_flight(&self, id: u64) {
        let mut slot = lock(&self.flight);
        if slot.as_ref().is_some_and(|flight| flight.id == id) {
            *slot = None;
        }
    }

    /// Sends one token request and turns its result into a cache entry.
    pub(crate) async fn fetch_entry(&self, keys: &KeyState, attempt: u32) -> Result<Entry, Error> {
        let sent_at = self.clock.now();
        let raw = self.request(keys, attempt).await?;
        self.entry(raw, sent_at)
    }

    /// Sends one token request, with its log events and counters.
    async fn request(&self, keys: &KeyState, attempt: u32) -> Result<RawToken, Error> {
        let request = TokenRequest {
            endpoint: &self.endpoint,
            flavor: self.flavor,
            client_id: &keys.client_id,
            secret: &keys.secret,
            max_body_bytes: self.max_body_bytes,
        };
        let client_id = keys.client_id.as_str();
        self.counters.token_requests.increment();
        tracing::debug!(target: "setu_auth", client_id, attempt, flavor = %self.flavor, "requesting a token");

        let started = self.clock.now();
        let result = request
            .send(&self.http)
            .await
            .map_err(|error| error.capping_retry_after(self.policy.max_retry_after));
        let duration_ms = self.clock.now().saturating_sub(started).as_millis() as u64;

        match &result {
            Ok(_) => {
                self.counters.token_successes.increment();
                tracing::debug!(target: "setu_auth", client_id, attempt, duration_ms, "token received");
            }
            Err(error) => {
                self.counters.token_failures.increment();
                tracing::warn!(
                    target: "setu_auth",
                    client_id,
                    attempt,
                    duration_ms,
                    code = %error.code(),
                    status = error.status(),
                    setu_code = error.setu_code(),
                    trace_id = error.trace_id(),
                    retryable = error.is_retryable(),
                    "token request failed: {error}"
                );
            }
        }
        result
    }

    /// Caches a successful result or remembers a failure, unless the key changed meanwhile.
    fn settle(&self, keys: &KeyState, entry: Result<Entry, Error>) -> Outcome {
        let current = lock(&self.keys);
        if current.generation != keys.generation {
            tracing::debug!(target: "setu_auth", "dropping a token of replaced credentials");
            return Outcome::Superseded;
        }
        if self.wake.is_closed() {
            return Outcome::Done(Err(Error::closed()));
        }

        match entry {
            Ok(entry) => {
                let token = entry.token.clone();
                self.cache.store(Some(Arc::new(entry)));
                drop(current);
                *lock(&self.negative) = None;
                self.wake.notify();
                Outcome::Done(Ok(token))
            }
            Err(error) => {
                drop(current);
                self.remember_failure(&error, keys.generation);
                Outcome::Done(Err(error))
            }
        }
    }

    fn entry(&self, raw: RawToken, sent_at: std::time::Duration) -> Result<Entry, Error> {
        let lifetime = choose_lifetime(
            raw.expires_in,
            jwt_times(&raw.value),
            raw.server_date,
            self.clock.wall(),
            &self.policy,
        )?;
        let jitter = rand::thread_rng().gen_range(-1.0..=1.0);
        let schedule = Schedule::new(sent_at, lifetime, &self.policy, jitter);
        let elapsed = self.clock.now().saturating_sub(sent_at);
        let expires_at = self.clock.wall() + lifetime.saturating_sub(elapsed);

        Ok(Entry {
            id: self.next_id(),
            token: Token::new(raw.value, lifetime, expires_at),
            schedule,
        })
    }

    /// Keeps a failure for a while: a permanent one for `negative_ttl`, a retryable one for
    /// the server's `Retry-After`, so repeated calls do not hammer the endpoint.
    fn remember_failure(&self, error: &Error, generation: u64) {
        let hold = if !error.is_retryable() {
            Some(self.policy.negative_ttl)
        } else {
            error
                .retry_after()
                .map(|wait| wait.min(self.policy.max_retry_after))
        };
        let Some(hold) = hold.filter(|hold| !hold.is_zero()) else {
            return;
        };

        *lock(&self.negative) = Some(Negative {
            error: error.clone(),
            until: self.clock.now().saturating_add(hold),
            generation,
        });
    }
}

struct ClearFlight<'a> {
    inner: &'a Inner,
    id: u64,
}

impl Drop for ClearFlight<'_> {
    fn drop(&mut self) {
        self.inner.clear_flight(self.id);
    }
}

enum Outcome {
    Done(Result<Token, Error>),
    Superseded,
}

fn ready(result: Result<Token, Error>) -> SharedFetch {
    futures::future::ready(result).boxed().shared()
}
