//! Swapping credentials at runtime after a key is regenerated.

mod common;

use std::time::Duration;

use common::{Setup, client_id_claim, within};
use setu_auth::ErrorCode;
use setu_auth_emulator::{Fault, FaultAction, FaultTarget, KeySpec};

#[tokio::test]
async fn regenerated_key_swapped_in() {
    let setup = Setup::new();
    let manager = setup.manager();
    within(manager.token()).await.expect("token");
    let fresh = setup
        .emulator
        .regenerate_key(&setup.key.client_id)
        .expect("regenerated");

    manager
        .set_credentials(fresh.client_id.clone(), fresh.secret.clone())
        .expect("swapped");
    let token = within(manager.token()).await.expect("token of the new key");

    assert_eq!(client_id_claim(token.as_str()), fresh.client_id);
    assert_eq!(manager.client_id(), fresh.client_id);
    assert_eq!(setup.requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_request_cannot_overwrite_new_key() {
    let setup = Setup::new();
    let other = setup
        .emulator
        .create_key(KeySpec {
            name: "second".into(),
            ..KeySpec::default()
        })
        .expect("second key");
    setup.emulator.push_fault(Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Delay,
        delay: Duration::from_millis(300),
    });
    let manager = setup.manager();

    let waiting = tokio::spawn({
        let manager = manager.clone();
        async move { manager.token().await }
    });
    common::eventually("old request sent", || setup.requests() == 1).await;
    manager
        .set_credentials(other.client_id.clone(), other.secret.clone())
        .expect("swapped");

    let waited = within(waiting).await.expect("task").expect("token");
    let cached = within(manager.token()).await.expect("token");

    assert_eq!(client_id_claim(waited.as_str()), other.client_id);
    assert_eq!(client_id_claim(cached.as_str()), other.client_id);
}

#[tokio::test]
async fn invalid_credentials_rejected() {
    let setup = Setup::new();
    let manager = setup.manager();

    for (id, secret) in [("", "secret"), ("client", ""), ("client id", "secret")] {
        let error = manager.set_credentials(id, secret).expect_err("invalid");
        assert_eq!(error.code(), ErrorCode::InvalidConfig);
    }
    assert_eq!(manager.client_id(), setup.key.client_id);
}

#[tokio::test]
async fn swap_clears_negative_cache() {
    let setup = Setup::new();
    let manager = setup.wrong_secret_manager();
    within(manager.token()).await.expect_err("rejected");

    manager
        .set_credentials(setup.key.client_id.clone(), setup.key.secret.clone())
        .expect("swapped");

    within(manager.token())
        .await
        .expect("token with the right secret");
}

#[tokio::test]
async fn swap_after_close_rejected() {
    let setup = Setup::new();
    let manager = setup.manager();
    manager.close();

    let error = manager
        .set_credentials(setup.key.client_id.clone(), setup.key.secret.clone())
        .expect_err("closed");

    assert_eq!(error.code(), ErrorCode::Closed);
}
