//! Request counters.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// Snapshot of the emulator's request counters. The JSON form uses these snake_case
/// field names.
///
/// Every request that reaches a token endpoint, whatever its method or fault, ends as
/// exactly one success (a 2xx response) or one failure, so
/// `token_requests == token_successes + token_failures`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmulatorStats {
    /// Requests to `/api/v2/auth/token` and `/v1/users/login`, faulted ones included.
    pub token_requests: u64,
    /// Token requests that got a 2xx response.
    pub token_successes: u64,
    /// Token requests that got another status, a dropped connection or a truncated body.
    pub token_failures: u64,
    /// Requests to `/v1/users/login` (also counted in `token_requests`).
    pub login_requests: u64,
    /// Requests to the protected sample endpoint `/api/v2/sample`.
    pub api_requests: u64,
    /// Sample endpoint requests that got 200.
    pub api_accepted: u64,
    /// Sample endpoint requests rejected with 401, 403 or 405.
    pub api_rejected: u64,
    /// Faults applied to token requests, one per request.
    pub faults_applied: u64,
}

/// Live counters behind [`EmulatorStats`].
#[derive(Debug, Default)]
pub struct Counters {
    token_requests: AtomicU64,
    token_successes: AtomicU64,
    token_failures: AtomicU64,
    login_requests: AtomicU64,
    api_requests: AtomicU64,
    api_accepted: AtomicU64,
    api_rejected: AtomicU64,
    faults_applied: AtomicU64,
}

impl Counters {
    /// Counts one token request. `login` marks the login flavour.
    pub fn token_request(&self, login: bool) {
        increment(&self.token_requests);
        if login {
            increment(&self.login_requests);
        }
    }

    /// Counts the outcome of one token request.
    pub fn token_outcome(&self, success: bool) {
        if success {
            increment(&self.token_successes);
        } else {
            increment(&self.token_failures);
        }
    }

    /// Counts one sample endpoint request and its outcome.
    pub fn api_request(&self, accepted: bool) {
        increment(&self.api_requests);
        if accepted {
            increment(&self.api_accepted);
        } else {
            increment(&self.api_rejected);
        }
    }

    /// Counts one applied fault.
    pub fn fault_applied(&self) {
        increment(&self.faults_applied);
    }

    /// Returns the current values.
    pub fn snapshot(&self) -> EmulatorStats {
        EmulatorStats {
            token_requests: read(&self.token_requests),
            token_successes: read(&self.token_successes),
            token_failures: read(&self.token_failures),
            login_requests: read(&self.login_requests),
            api_requests: read(&self.api_requests),
            api_accepted: read(&self.api_accepted),
            api_rejected: read(&self.api_rejected),
            faults_applied: read(&self.faults_applied),
        }
    }

    /// Sets every counter to zero.
    pub fn reset(&self) {
        let all = [
            &self.token_requests,
            &self.token_successes,
            &self.token_failures,
            &self.login_requests,
            &self.api_requests,
            &self.api_accepted,
            &self.api_rejected,
            &self.faults_applied,
        ];
        for counter in all {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

fn increment(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

fn read(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}
