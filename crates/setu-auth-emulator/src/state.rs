//! State shared by the Rust API and the HTTP handlers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::clock::{Clock, MAX_CLOCK_SKEW_SECONDS};
use crate::config::{EmulatorConfig, Environment, validate_lifetime};
use crate::error::EmulatorError;
use crate::faults::{Fault, FaultQueue};
use crate::jwt::{Flavor, Signer};
use crate::key_store::KeyStore;
use crate::stats::Counters;

/// State of one emulator: keys, settings, faults, counters and the signing key.
#[derive(Debug)]
pub struct State {
    /// Environment the emulator plays.
    pub environment: Environment,
    /// Skewed wall clock.
    pub clock: Clock,
    /// RS256 signing key.
    pub signer: Signer,
    /// Request counters.
    pub counters: Counters,
    keys: Mutex<KeyStore>,
    faults: Mutex<FaultQueue>,
    token_lifetime: AtomicU64,
    login_token_lifetime: AtomicU64,
}

impl State {
    /// Validates `config`, generates the signing key and creates the configured keys.
    pub fn new(config: EmulatorConfig) -> Result<Self, EmulatorError> {
        validate_lifetime(config.token_lifetime)?;
        validate_lifetime(config.login_token_lifetime)?;

        let mut keys = KeyStore::new(config.environment);
        for spec in config.keys {
            keys.create(spec)?;
        }

        Ok(Self {
            environment: config.environment,
            clock: Clock::default(),
            signer: Signer::generate()?,
            counters: Counters::default(),
            keys: Mutex::new(keys),
            faults: Mutex::new(FaultQueue::default()),
            token_lifetime: AtomicU64::new(config.token_lifetime),
            login_token_lifetime: AtomicU64::new(config.login_token_lifetime),
        })
    }

    /// Locks the key store. A panic in another holder does not make it unusable.
    pub fn keys(&self) -> MutexGuard<'_, KeyStore> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a fault.
    pub fn push_fault(&self, fault: Fault) {
        self.lock_faults().push(fault);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.lock_faults().clear();
    }

    /// Takes one application of the oldest fault that matches `flavor`.
    pub fn take_fault(&self, flavor: Flavor) -> Option<Fault> {
        self.lock_faults().take(flavor)
    }

    fn lock_faults(&self) -> MutexGuard<'_, FaultQueue> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the global token lifetime in seconds for `flavor`.
    pub fn lifetime(&self, flavor: Flavor) -> u64 {
        self.lifetime_cell(flavor).load(Ordering::Relaxed)
    }

    /// Sets the global token lifetime in seconds for `flavor`.
    pub fn set_lifetime(&self, flavor: Flavor, seconds: u64) -> Result<(), EmulatorError> {
        let seconds = validate_lifetime(seconds)?;
        self.lifetime_cell(flavor).store(seconds, Ordering::Relaxed);
        Ok(())
    }

    fn lifetime_cell(&self, flavor: Flavor) -> &AtomicU64 {
        match flavor {
            Flavor::V2 => &self.token_lifetime,
            Flavor::Login => &self.login_token_lifetime,
        }
    }

    /// Sets the clock skew in seconds.
    pub fn set_clock_skew(&self, seconds: i64) -> Result<(), EmulatorError> {
        if self.clock.set_skew(seconds) {
            Ok(())
        } else {
            Err(EmulatorError::InvalidClockSkew {
                seconds,
                max: MAX_CLOCK_SKEW_SECONDS,
            })
        }
    }
}
