//! Background renewal on a manual clock: renewed in time, callers never wait, failures keep
//! the old token and back off, permanent failures stop, and clock skew changes nothing.

mod common;

use std::time::Duration;

use common::{Setup, eventually, settle, within};
use setu_auth::{ErrorCode, ManualClock, TokenManager};
use setu_auth_emulator::{Fault, FaultAction, FaultTarget};

fn fault(status: u16, times: u32, headers: Vec<(String, String)>) -> Fault {
    Fault {
        times,
        target: FaultTarget::Any,
        action: FaultAction::Respond {
            status,
            headers,
            body: None,
        },
        delay: Duration::ZERO,
    }
}

/// Waits until the manager has seen `failures` failed requests and its refresher sleeps on
/// the clock again, so the next advance is measured from the scheduled retry.
async fn retry_scheduled(manager: &TokenManager, clock: &ManualClock, failures: u64) {
    eventually("retry scheduled", || {
        manager.stats().token_failures == failures && clock.sleepers() == 1
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewed_at_share_of_lifetime() {
    for lifetime in [300, 1800] {
        let setup = Setup::with_lifetime(lifetime);
        let (manager, clock) = setup.manual();
        let first = within(manager.token()).await.expect("token");

        clock.advance(Duration::from_secs(lifetime * 3 / 4 - 1));
        settle().await;
        assert_eq!(setup.requests(), 1, "no renewal before 75% of {lifetime} s");

        clock.advance(Duration::from_secs(2));
        eventually("background renewal", || setup.requests() == 2).await;
        eventually("new token cached", || {
            manager.cached_token().is_some_and(|token| token != first)
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_never_wait_during_renewal() {
    let setup = Setup::with_lifetime(300);
    let (manager, clock) = setup.manual();
    let first = within(manager.token()).await.expect("token");
    setup.emulator.push_fault(Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Delay,
        delay: Duration::from_secs(3),
    });

    clock.advance(Duration::from_secs(230));
    eventually("renewal started", || setup.requests() == 2).await;

    for _ in 0..100 {
        let token = tokio::time::timeout(Duration::from_millis(50), manager.token())
            .await
            .expect("answered without waiting")
            .expect("token");
        assert_eq!(token, first);
    }
    assert!(manager.stats().stale_serves >= 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_renewal_keeps_token_and_backs_off() {
    let setup = Setup::with_lifetime(300);
    let (manager, clock) = setup.manual();
    let first = within(manager.token()).await.expect("token");
    setup.emulator.push_fault(fault(503, 3, vec![]));

    clock.advance(Duration::from_secs(226));
    retry_scheduled(&manager, &clock, 1).await;
    assert_eq!(within(manager.token()).await.expect("old token"), first);

    // The first retry waits 250-500 ms, the second 0.5-1 s, the third 1-2 s.
    clock.advance(Duration::from_millis(200));
    settle().await;
    assert_eq!(setup.requests(), 2, "retried before the backoff elapsed");

    clock.advance(Duration::from_millis(300));
    retry_scheduled(&manager, &clock, 2).await;
    clock.advance(Duration::from_secs(1));
    retry_scheduled(&manager, &clock, 3).await;
    clock.advance(Duration::from_secs(2));
    eventually("fourth attempt succeeds", || setup.requests() == 5).await;

    eventually("new token cached", || {
        manager.cached_token().is_some_and(|token| token != first)
    })
    .await;
    assert_eq!(manager.stats().token_failures, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewal_honours_retry_after() {
    let setup = Setup::with_lifetime(300);
    let (manager, clock) = setup.manual();
    within(manager.token()).await.expect("token");
    setup
        .emulator
        .push_fault(fault(503, 1, vec![("Retry-After".into(), "20".into())]));

    clock.advance(Duration::from_secs(226));
    retry_scheduled(&manager, &clock, 1).await;

    clock.advance(Duration::from_secs(19));
    settle().await;
    assert_eq!(setup.requests(), 2, "retried before Retry-After");

    clock.advance(Duration::from_secs(2));
    eventually("retry after 20 s", || setup.requests() == 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanent_failure_stops_renewal() {
    let setup = Setup::with_lifetime(300);
    let (manager, clock) = setup.manual();
    let first = within(manager.token()).await.expect("token");
    setup
        .emulator
        .disable_key(&setup.key.client_id)
        .expect("disabled");

    clock.advance(Duration::from_secs(226));
    eventually("renewal attempt", || setup.requests() == 2).await;

    for _ in 0..5 {
        clock.advance(Duration::from_secs(10));
        settle().await;
        assert_eq!(within(manager.token()).await.expect("still usable"), first);
    }
    assert_eq!(setup.requests(), 2, "kept retrying a permanent failure");

    clock.advance(Duration::from_secs(30));
    let error = within(manager.token())
        .await
        .expect_err("expired and rejected");
    assert_eq!(error.code(), ErrorCode::InvalidCredentials);
    within(manager.token())
        .await
        .expect_err("from the negative cache");
    assert_eq!(setup.requests(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_token_fetched_in_foreground() {
    let setup = Setup::with_lifetime(300);
    let (manager, clock) = setup.manual();
    let first = within(manager.token()).await.expect("token");
    setup
        .emulator
        .disable_key(&setup.key.client_id)
        .expect("disabled");

    // A permanent failure stops background renewal, so only a caller can fetch later.
    clock.advance(Duration::from_secs(226));
    eventually("renewal attempt failed", || {
        manager.stats().token_failures == 1
    })
    .await;
    setup
        .emulator
        .enable_key(&setup.key.client_id)
        .expect("enabled");
    clock.advance(Duration::from_secs(70));
    settle().await;
    assert_eq!(setup.requests(), 2);
    assert!(
        manager.cached_token().is_none(),
        "the token is past its usable window"
    );

    let second = within(manager.token()).await.expect("fresh token");
    assert_ne!(first, second);
    assert_eq!(setup.requests(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_clock_skew_changes_nothing() {
    for skew in [-86_400, 86_400] {
        let setup = Setup::with_lifetime(300);
        setup.emulator.set_clock_skew(skew);
        let (manager, clock) = setup.manual();
        clock.shift_wall(Duration::from_secs(7200));

        let first = within(manager.token()).await.expect("token");
        assert_eq!(first.lifetime(), Duration::from_secs(300), "skew {skew}");
        for _ in 0..100 {
            assert_eq!(manager.token().await.expect("cached"), first);
        }
        settle().await;

        assert_eq!(setup.requests(), 1, "skew {skew} caused a refresh");
        assert_eq!(manager.stats().cache_hits, 100);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_token_renewed_before_expiry() {
    let setup = Setup::new();
    let clock = setu_auth::ManualClock::new();
    let manager = setup
        .builder()
        .flavor(setu_auth::Flavor::Login)
        .clock(clock.clone())
        .refresh_policy(common::fast_policy())
        .build()
        .expect("manager");
    within(manager.token()).await.expect("token");

    clock.advance(Duration::from_secs(226));

    eventually("renewal of a 300 s login token", || setup.requests() == 2).await;
}
