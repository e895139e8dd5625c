//! Reporting rejected tokens, and the reqwest integration's single retry after a 401.

mod common;

use common::{Setup, within};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burst_of_401s_causes_one_refresh() {
    let setup = Setup::new();
    let manager = setup.manager();
    let first = within(manager.token()).await.expect("token");

    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let manager = manager.clone();
            let rejected = first.clone();
            tokio::spawn(async move {
                manager.invalidate(rejected.as_str());
                manager.token().await
            })
        })
        .collect();
    for task in tasks {
        let token = within(task).await.expect("task").expect("token");
        assert_ne!(token, first);
    }

    assert_eq!(setup.requests(), 2);
    assert_eq!(manager.stats().invalidations, 1);
}

#[tokio::test]
async fn invalidating_old_token_keeps_current() {
    let setup = Setup::new();
    let manager = setup.manager();
    let first = within(manager.token()).await.expect("token");
    let second = within(manager.refresh()).await.expect("refreshed");

    assert!(!manager.invalidate(first.as_str()));
    assert!(!manager.invalidate("never-issued"));

    assert_eq!(within(manager.token()).await.expect("cached"), second);
    assert_eq!(setup.requests(), 2);
}

#[tokio::test]
async fn send_retries_once_after_401() {
    let setup = Setup::new();
    let manager = setup.manager();
    let first = within(manager.token()).await.expect("token");
    // The emulator now believes the cached token expired an hour ago.
    setup.emulator.set_clock_skew(3600 + 1800);

    let request = reqwest::Client::new().get(format!("{}/api/v2/sample", setup.emulator.url()));
    let response = within(manager.send(request)).await.expect("sent");

    assert_eq!(response.status(), 200);
    assert_eq!(setup.requests(), 2);
    assert_ne!(within(manager.token()).await.expect("token"), first);
    let stats = setup.emulator.stats();
    assert_eq!(stats.api_requests, 2);
    assert_eq!(stats.api_rejected, 1);
}

#[tokio::test]
async fn send_does_not_loop_on_persistent_401() {
    let setup = Setup::new();
    let manager = setup.manager();
    within(manager.token()).await.expect("token");
    setup
        .emulator
        .delete_key(&setup.key.client_id)
        .expect("deleted");

    let request = reqwest::Client::new().get(format!("{}/api/v2/sample", setup.emulator.url()));
    let error = within(manager.send(request)).await.expect_err("no token");

    assert_eq!(error.setu_code(), Some("invalid-api-key"));
    assert_eq!(setup.emulator.stats().api_requests, 1);
}

#[tokio::test]
async fn send_returns_403_without_refresh() {
    let setup = Setup::new();
    let manager = setup
        .builder()
        .product_instance_id("someone-elses-product")
        .build()
        .expect("manager");

    let request = reqwest::Client::new().get(format!("{}/api/v2/sample", setup.emulator.url()));
    let response = within(manager.send(request)).await.expect("sent");

    assert_eq!(response.status(), 403);
    let body: serde_json::Value = within(response.json()).await.expect("json");
    assert_eq!(body["error"]["code"], "request-not-authorised");
    assert_eq!(setup.requests(), 1);
    assert_eq!(manager.stats().invalidations, 0);
}

#[tokio::test]
async fn auth_headers_carry_token_and_product() {
    let setup = Setup::new();
    let manager = setup
        .builder()
        .product_instance_id("product-a")
        .build()
        .expect("manager");

    let headers = within(manager.auth_headers()).await.expect("headers");
    let token = within(manager.token()).await.expect("token");

    assert_eq!(
        headers["authorization"],
        format!("Bearer {}", token.as_str()).as_str()
    );
    assert_eq!(headers["x-setu-product-instance-id"], "product-a");
    assert!(!format!("{headers:?}").contains(token.as_str()));
}
