//! `setu-auth demo`: the whole token loop against an in-process emulator, narrated.
//!
//! Tokens are shown as short fingerprints, never in full.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::process::ExitCode;
use std::time::Duration;

use setu_auth::{Error, RefreshPolicy, Token, TokenManager};
use setu_auth_emulator::{Emulator, EmulatorConfig, KeySpec};

use crate::exit;

/// Lifetime of the short token whose background renewal the demo shows, in seconds.
const SHORT_LIFETIME: u64 = 4;

/// Runs the demo and returns its exit status.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("setu-auth: failed to start a runtime: {error}");
            return ExitCode::FAILURE;
        }
    };

    match runtime.block_on(narrate()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => exit::fail(&error),
    }
}

async fn narrate() -> Result<(), Error> {
    let emulator = Emulator::start(EmulatorConfig::default()).map_err(demo_error)?;
    step(
        1,
        &format!("started the Setu emulator at {}", emulator.url()),
    );

    let key = emulator
        .create_key(KeySpec {
            name: "demo".into(),
            products: vec!["demo-product".into()],
            ..KeySpec::default()
        })
        .map_err(demo_error)?;
    step(
        2,
        &format!("created API key {} (secret kept hidden)", key.client_id),
    );

    let manager = TokenManager::builder()
        .base_url(emulator.url())
        .credentials(key.client_id.clone(), key.secret.clone())
        .product_instance_id("demo-product")
        .refresh_policy(RefreshPolicy::default())
        .build()?;
    let first = manager.token().await?;
    step(
        3,
        &format!(
            "fetched token {} living {} s",
            fingerprint(&first),
            first.lifetime().as_secs()
        ),
    );

    for _ in 0..5 {
        manager.token().await?;
    }
    step(
        4,
        &format!(
            "5 more calls served from cache: the emulator saw {} token request(s), cache hits {}",
            emulator.stats().token_requests,
            manager.stats().cache_hits
        ),
    );

    let status = call_sample(&manager, &emulator).await?;
    step(5, &format!("called the protected endpoint: HTTP {status}"));

    show_background_renewal(&manager, &emulator, &key.client_id).await?;
    show_401_recovery(&manager, &emulator).await?;
    show_key_regeneration(&manager, &emulator, &key.client_id).await?;

    let stats = manager.stats();
    step(
        9,
        &format!(
            "counters: token_requests={} token_successes={} token_failures={} cache_hits={} stale_serves={} invalidations={}",
            stats.token_requests,
            stats.token_successes,
            stats.token_failures,
            stats.cache_hits,
            stats.stale_serves,
            stats.invalidations
        ),
    );
    manager.close();
    emulator.shutdown();
    Ok(())
}

async fn show_background_renewal(
    manager: &TokenManager,
    emulator: &Emulator,
    client_id: &str,
) -> Result<(), Error> {
    emulator
        .set_key_token_lifetime(client_id, Some(SHORT_LIFETIME))
        .map_err(demo_error)?;
    let short = manager.refresh().await?;
    step(
        6,
        &format!(
            "switched to {SHORT_LIFETIME} s tokens: got {}; calling every 500 ms",
            fingerprint(&short)
        ),
    );

    let mut current = short;
    for tick in 1..=8 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let served = manager.token().await?;
        if served != current {
            detail(&format!(
                "after {:.1} s the background task had renewed it: now {} (no caller waited)",
                f64::from(tick) * 0.5,
                fingerprint(&served)
            ));
            current = served;
        }
    }

    emulator
        .set_key_token_lifetime(client_id, None)
        .map_err(demo_error)?;
    manager.refresh().await?;
    Ok(())
}

async fn show_401_recovery(manager: &TokenManager, emulator: &Emulator) -> Result<(), Error> {
    let before = manager.token().await?;
    emulator.set_clock_skew(2 * 3600);
    step(
        7,
        &format!(
            "moved the emulator's clock 2 h ahead, so token {} now looks expired to it",
            fingerprint(&before)
        ),
    );

    let status = call_sample(manager, emulator).await?;
    let after = manager.token().await?;
    detail(&format!(
        "the call got 401 jwt-token-expired, invalidated the token, retried once with {}: HTTP {status}",
        fingerprint(&after)
    ));
    Ok(())
}

async fn show_key_regeneration(
    manager: &TokenManager,
    emulator: &Emulator,
    client_id: &str,
) -> Result<(), Error> {
    let fresh = emulator.regenerate_key(client_id).map_err(demo_error)?;
    step(
        8,
        &format!("regenerated the key: new clientID {}", fresh.client_id),
    );

    match call_sample(manager, emulator).await {
        Ok(status) => detail(&format!(
            "unexpected: the old key still worked (HTTP {status})"
        )),
        Err(error) => detail(&format!("with the old key: {error}")),
    }

    manager.set_credentials(fresh.client_id.clone(), fresh.secret.clone())?;
    let status = call_sample(manager, emulator).await?;
    let token = manager.token().await?;
    detail(&format!(
        "swapped credentials: token {} from the new key, protected endpoint HTTP {status}",
        fingerprint(&token)
    ));
    Ok(())
}

async fn call_sample(manager: &TokenManager, emulator: &Emulator) -> Result<u16, Error> {
    let request = reqwest::Client::new().get(format!("{}/api/v2/sample", emulator.url()));
    let response = manager.send(request).await?;
    Ok(response.status().as_u16())
}

/// Returns a short, stable fingerprint of a token, safe to print.
fn fingerprint(token: &Token) -> String {
    let mut hasher = DefaultHasher::new();
    token.as_str().hash(&mut hasher);
    format!("#{:08x}", hasher.finish() as u32)
}

fn step(number: u32, text: &str) {
    println!("{number}. {text}");
}

fn detail(text: &str) {
    println!("   {text}");
}

fn demo_error(error: impl std::fmt::Display) -> Error {
    Error::new(
        setu_auth::ErrorCode::Internal,
        format!("the demo emulator failed: {error}"),
    )
}
