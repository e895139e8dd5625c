//! Shared setup for the engine's integration tests: an emulator on 127.0.0.1 with one key,
//! and managers pointed at it.

#![allow(dead_code)]

pub mod redis;

use std::future::Future;
use std::time::Duration;

use setu_auth::{Flavor, ManualClock, RefreshPolicy, TokenManager, TokenManagerBuilder};
use setu_auth_emulator::{ApiKey, Emulator, EmulatorConfig, KeySpec};

/// An emulator with one sandbox key.
pub struct Setup {
    pub emulator: Emulator,
    pub key: ApiKey,
}

impl Setup {
    pub fn new() -> Self {
        Self::with_lifetime(1800)
    }

    pub fn with_lifetime(seconds: u64) -> Self {
        let config = EmulatorConfig {
            token_lifetime: seconds,
            ..EmulatorConfig::default()
        };
        let emulator = Emulator::start(config).expect("emulator starts");
        let key = emulator
            .create_key(KeySpec {
                name: "tests".into(),
                products: vec!["product-a".into()],
                ..KeySpec::default()
            })
            .expect("key created");
        Self { emulator, key }
    }

    /// A builder for this emulator and key.
    pub fn builder(&self) -> TokenManagerBuilder {
        TokenManager::builder()
            .base_url(self.emulator.url())
            .credentials(self.key.client_id.clone(), self.key.secret.clone())
    }

    pub fn manager(&self) -> TokenManager {
        self.builder().build().expect("manager builds")
    }

    /// A manager for this key with another secret, which the emulator rejects.
    pub fn wrong_secret_manager(&self) -> TokenManager {
        self.builder()
            .credentials(self.key.client_id.clone(), "wrong-secret")
            .build()
            .expect("manager builds")
    }

    pub fn login_manager(&self) -> TokenManager {
        self.builder()
            .flavor(Flavor::Login)
            .build()
            .expect("manager builds")
    }

    /// A manager on a manual clock with fast retries.
    pub fn manual(&self) -> (TokenManager, ManualClock) {
        let clock = ManualClock::new();
        let manager = self
            .builder()
            .clock(clock.clone())
            .refresh_policy(fast_policy())
            .build()
            .expect("manager builds");
        (manager, clock)
    }

    pub fn requests(&self) -> u64 {
        self.emulator.stats().token_requests
    }
}

/// The default policy without jitter, so refresh points are exact.
pub fn fast_policy() -> RefreshPolicy {
    RefreshPolicy {
        jitter_share: 0.0,
        ..RefreshPolicy::default()
    }
}

/// Polls `condition` every 5 ms for up to 10 s of real time, for effects of background
/// tasks. Panics with `what` when it never holds.
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..2000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// Lets spawned tasks run for a moment of real time, for checks that something did NOT
/// happen.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Awaits `future` for at most 10 s of real time.
pub async fn within<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("finished within 10 s")
}

/// Reads the `clientID` claim of a JWT issued by the emulator.
pub fn client_id_claim(token: &str) -> String {
    use base64::Engine as _;

    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload");
    let claims: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON claims");
    claims["clientID"]
        .as_str()
        .expect("clientID claim")
        .to_owned()
}
