//! The protected sample endpoint: token checks, product checks and key lifecycle.

mod common;

use common::{PRODUCT, Reply, call_sample, client, send, start, start_with_key, v2_token};
use serde_json::Value;
use setu_auth_emulator::EmulatorConfig;

fn assert_rejected(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "body: {}", reply.json);
    assert_eq!(reply.json["success"], false);
    assert_eq!(reply.json["status"], status);
    assert_eq!(reply.error_code(), code, "body: {}", reply.json);
    assert!(
        reply.json["error"]["traceID"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
}

#[tokio::test]
async fn valid_token_is_accepted() {
    let (emulator, key) = start_with_key();
    let token = v2_token(&emulator, &key).await;

    let without_product = call_sample(&emulator, Some(&token), None).await;
    let with_product = call_sample(&emulator, Some(&token), Some(PRODUCT)).await;

    assert_eq!(
        without_product.status, 200,
        "body: {}",
        without_product.json
    );
    assert_eq!(without_product.json["success"], true);
    assert_eq!(
        without_product.json["data"]["clientID"],
        key.client_id.as_str()
    );
    assert_eq!(
        without_product.json["data"]["productInstanceID"],
        Value::Null
    );
    assert_eq!(with_product.status, 200);
    assert_eq!(with_product.json["data"]["productInstanceID"], PRODUCT);
}

#[tokio::test]
async fn login_token_is_accepted() {
    let (emulator, key) = start_with_key();
    let reply = common::post_login(&emulator, &key.client_id, &key.secret).await;
    let token = reply.json["access_token"].as_str().unwrap_or_default();

    let sample = call_sample(&emulator, Some(token), Some(PRODUCT)).await;

    assert_eq!(sample.status, 200);
}

#[tokio::test]
async fn lowercase_product_header_is_accepted() {
    let (emulator, key) = start_with_key();
    let token = v2_token(&emulator, &key).await;
    let url = format!("{}/api/v2/sample", emulator.url());

    let allowed = send(
        client()
            .get(&url)
            .bearer_auth(&token)
            .header("x-product-instance-id", PRODUCT),
    )
    .await;
    let denied = send(
        client()
            .get(&url)
            .bearer_auth(&token)
            .header("x-product-instance-id", "other"),
    )
    .await;

    assert_eq!(allowed.json["data"]["productInstanceID"], PRODUCT);
    assert_rejected(&denied, 403, "request-not-authorised");
}

#[tokio::test]
async fn other_product_is_forbidden() {
    let (emulator, key) = start_with_key();
    let token = v2_token(&emulator, &key).await;

    let reply = call_sample(&emulator, Some(&token), Some("someone-elses-product")).await;

    assert_rejected(&reply, 403, "request-not-authorised");
}

#[tokio::test]
async fn missing_or_garbled_token_fails_verification() {
    let (emulator, key) = start_with_key();
    let token = v2_token(&emulator, &key).await;
    let truncated = &token[..token.len() - 5];
    let url = format!("{}/api/v2/sample", emulator.url());

    let cases = [
        call_sample(&emulator, None, None).await,
        call_sample(&emulator, Some("garbage"), None).await,
        call_sample(&emulator, Some("a.b.c"), None).await,
        call_sample(&emulator, Some(truncated), None).await,
        send(
            client()
                .get(&url)
                .header("authorization", format!("Basic {token}")),
        )
        .await,
    ];

    for reply in &cases {
        assert_rejected(reply, 401, "jwt-verification-failed");
    }
}

#[tokio::test]
async fn token_of_another_emulator_fails_verification() {
    let (emulator, _) = start_with_key();
    let (other, other_key) = start_with_key();
    let foreign = v2_token(&other, &other_key).await;

    let reply = call_sample(&emulator, Some(&foreign), None).await;

    assert_rejected(&reply, 401, "jwt-verification-failed");
}

#[tokio::test]
async fn expired_token_is_reported() {
    let (emulator, key) = start_with_key();
    emulator.set_token_lifetime(60);
    let token = v2_token(&emulator, &key).await;

    emulator.set_clock_skew(59);
    let still_valid = call_sample(&emulator, Some(&token), None).await;
    emulator.set_clock_skew(61);
    let expired = call_sample(&emulator, Some(&token), None).await;

    assert_eq!(still_valid.status, 200);
    assert_rejected(&expired, 401, "jwt-token-expired");
}

#[tokio::test]
async fn disabled_key_revokes_tokens_until_enabled() {
    let (emulator, key) = start_with_key();
    let token = v2_token(&emulator, &key).await;

    emulator
        .disable_key(&key.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let disabled = call_sample(&emulator, Some(&token), None).await;
    emulator
        .enable_key(&key.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let enabled = call_sample(&emulator, Some(&token), None).await;

    assert_rejected(&disabled, 401, "jwt-verification-failed");
    assert_eq!(enabled.status, 200);
}

#[tokio::test]
async fn regenerated_key_revokes_tokens() {
    let (emulator, key) = start_with_key();
    let old_token = v2_token(&emulator, &key).await;

    let new_key = emulator
        .regenerate_key(&key.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let old = call_sample(&emulator, Some(&old_token), None).await;
    let new_token = v2_token(&emulator, &new_key).await;
    let new = call_sample(&emulator, Some(&new_token), Some(PRODUCT)).await;

    assert_rejected(&old, 401, "jwt-verification-failed");
    assert_eq!(new.status, 200);
}

#[tokio::test]
async fn deleted_key_revokes_tokens_even_if_id_reused() {
    let (emulator, key) = start_with_key();
    let token = v2_token(&emulator, &key).await;

    emulator
        .delete_key(&key.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let deleted = call_sample(&emulator, Some(&token), None).await;
    let spec = setu_auth_emulator::KeySpec {
        client_id: Some(key.client_id.clone()),
        secret: Some(key.secret.clone()),
        ..Default::default()
    };
    common::create_key(&emulator, spec);
    let reused = call_sample(&emulator, Some(&token), None).await;

    assert_rejected(&deleted, 401, "jwt-verification-failed");
    assert_rejected(&reused, 401, "jwt-verification-failed");
}

#[tokio::test]
async fn other_methods_get_405() {
    let emulator = start(EmulatorConfig::default());

    let reply = send(client().post(format!("{}/api/v2/sample", emulator.url()))).await;

    assert_rejected(&reply, 405, "method-not-allowed");
    assert_eq!(reply.header("allow"), "GET");
}

#[tokio::test]
async fn stats_count_api_requests() {
    let (emulator, key) = start_with_key();
    let token = v2_token(&emulator, &key).await;

    call_sample(&emulator, Some(&token), None).await;
    call_sample(&emulator, Some(&token), Some("other")).await;
    call_sample(&emulator, None, None).await;
    let stats = emulator.stats();

    assert_eq!(stats.api_requests, 3);
    assert_eq!(stats.api_accepted, 1);
    assert_eq!(stats.api_rejected, 2);
    assert_eq!(stats.token_requests, 1);
}
