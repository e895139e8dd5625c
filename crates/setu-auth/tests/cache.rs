//! The cache and single-flight: cached reads make no request, and concurrent callers with
//! no usable token share one request, success or failure.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Setup, within};
use setu_auth::ErrorCode;
use setu_auth_emulator::{Fault, FaultAction, FaultTarget};

#[tokio::test]
async fn cached_token_needs_no_request() {
    let setup = Setup::new();
    let manager = setup.manager();
    let first = within(manager.token()).await.expect("token");

    for _ in 0..1000 {
        let again = manager.token().await.expect("cached");
        assert_eq!(again, first);
    }

    assert_eq!(setup.requests(), 1);
    let stats = manager.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.token_successes, 1);
    assert_eq!(stats.cache_hits, 1000);
    assert_eq!(stats.stale_serves, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cold_callers_share_one_request() {
    let setup = Setup::new();
    setup.emulator.push_fault(Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Delay,
        delay: Duration::from_millis(200),
    });
    let manager = setup.manager();

    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let manager = manager.clone();
            tokio::spawn(async move { manager.token().await })
        })
        .collect();
    let mut tokens = Vec::new();
    for task in tasks {
        tokens.push(within(task).await.expect("task").expect("token"));
    }

    assert_eq!(setup.requests(), 1);
    assert!(tokens.iter().all(|token| *token == tokens[0]));
    assert_eq!(manager.stats().token_requests, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_error() {
    let setup = Setup::new();
    setup.emulator.push_fault(Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Respond {
            status: 503,
            headers: vec![],
            body: None,
        },
        delay: Duration::from_millis(200),
    });
    let manager = setup.manager();

    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let manager = manager.clone();
            tokio::spawn(async move { manager.token().await })
        })
        .collect();
    let mut trace_ids = Vec::new();
    for task in tasks {
        let error = within(task).await.expect("task").expect_err("503");
        assert_eq!(error.code(), ErrorCode::ServerError);
        trace_ids.push(error.trace_id().map(str::to_owned));
    }

    assert_eq!(setup.requests(), 1);
    assert!(trace_ids.iter().all(|id| *id == trace_ids[0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_caller_does_not_cancel_request() {
    let setup = Setup::new();
    setup.emulator.push_fault(Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Delay,
        delay: Duration::from_millis(300),
    });
    let manager = setup.manager();

    let impatient = tokio::time::timeout(Duration::from_millis(50), manager.token()).await;
    assert!(impatient.is_err(), "the first caller gave up");

    let token = within(manager.token()).await.expect("token");
    assert_eq!(setup.requests(), 1);
    assert!(!token.as_str().is_empty());
}

#[tokio::test]
async fn permanent_error_served_from_negative_cache() {
    let setup = Setup::new();
    let (manager, clock) = {
        let clock = setu_auth::ManualClock::new();
        let manager = setup
            .builder()
            .credentials(setup.key.client_id.clone(), "wrong-secret")
            .clock(clock.clone())
            .build()
            .expect("manager");
        (manager, clock)
    };

    for _ in 0..50 {
        let error = within(manager.token()).await.expect_err("rejected");
        assert_eq!(error.code(), ErrorCode::InvalidCredentials);
    }
    assert_eq!(setup.requests(), 1);

    clock.advance(Duration::from_secs(6));
    let error = within(manager.token()).await.expect_err("rejected again");
    assert_eq!(error.setu_code(), Some("invalid-api-key"));
    assert_eq!(setup.requests(), 2);
}

#[tokio::test]
async fn retryable_error_without_retry_after_not_cached() {
    let setup = Setup::new();
    setup.emulator.push_fault(Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Respond {
            status: 500,
            headers: vec![],
            body: None,
        },
        delay: Duration::ZERO,
    });
    let manager = setup.manager();

    within(manager.token()).await.expect_err("500");
    within(manager.token()).await.expect("recovered");

    assert_eq!(setup.requests(), 2);
}

#[tokio::test]
async fn retry_after_holds_callers_back() {
    let setup = Setup::new();
    setup.emulator.push_fault(Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Respond {
            status: 429,
            headers: vec![("Retry-After".into(), "2".into())],
            body: None,
        },
        delay: Duration::ZERO,
    });
    let clock = setu_auth::ManualClock::new();
    let manager = setup
        .builder()
        .clock(clock.clone())
        .build()
        .expect("manager");

    within(manager.token()).await.expect_err("429");
    let held = within(manager.token()).await.expect_err("held back");
    assert_eq!(held.code(), ErrorCode::RateLimited);
    assert_eq!(setup.requests(), 1);

    clock.advance(Duration::from_secs(2));
    within(manager.token()).await.expect("token after waiting");
    assert_eq!(setup.requests(), 2);
}

#[tokio::test]
async fn refresh_forces_new_token() {
    let setup = Setup::new();
    let manager = Arc::new(setup.manager());
    let first = within(manager.token()).await.expect("token");

    let second = within(manager.refresh()).await.expect("refreshed");

    assert_ne!(first, second);
    assert_eq!(within(manager.token()).await.expect("cached"), second);
    assert_eq!(setup.requests(), 2);
}

#[tokio::test]
async fn fresh_token_reports_time_to_refresh() {
    let setup = Setup::new();
    let (manager, clock) = setup.manual();
    assert!(manager.fresh_token().is_none());
    let token = within(manager.token()).await.expect("token");

    let (fresh, left) = manager.fresh_token().expect("fresh");
    assert_eq!(fresh, token);
    assert_eq!(left, Duration::from_secs(1350));

    clock.advance(Duration::from_secs(1350));
    assert!(manager.fresh_token().is_none());
    assert_eq!(manager.cached_token(), Some(token));
}

#[tokio::test]
async fn alternating_managers_keep_own_tokens() {
    let first_setup = Setup::new();
    let second_setup = Setup::new();
    let first = first_setup.manager();
    let second = second_setup.manager();
    let first_token = within(first.token()).await.expect("token");
    let second_token = within(second.token()).await.expect("token");

    for _ in 0..10 {
        assert_eq!(first.cached_token(), Some(first_token.clone()));
        assert_eq!(second.cached_token(), Some(second_token.clone()));
    }
    assert!(first.invalidate(first_token.as_str()));

    assert_eq!(first.cached_token(), None);
    assert_eq!(second.cached_token(), Some(second_token));
}

#[tokio::test]
async fn refresh_respects_negative_cache() {
    let setup = Setup::new();
    let manager = setup.wrong_secret_manager();

    for _ in 0..20 {
        let error = within(manager.refresh()).await.expect_err("rejected");
        assert_eq!(error.code(), ErrorCode::InvalidCredentials);
    }

    assert_eq!(setup.requests(), 1);
}
