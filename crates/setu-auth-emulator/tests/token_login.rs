//! `POST /v1/users/login` over HTTP: success shape and every error path.

mod common;

use common::{Reply, client, post_login, send, start_with_key};
use serde_json::{Value, json};

/// Checks the account aggregator's `ErrorResponse` shape and returns its txnid.
fn assert_login_error(reply: &Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "body: {}", reply.json);
    assert_eq!(reply.json["errorCode"], code, "body: {}", reply.json);
    assert!(
        reply.json["errorMsg"]
            .as_str()
            .is_some_and(|message| !message.is_empty())
    );
    assert!(reply.json["ver"].is_string());
    assert!(reply.header("content-type").starts_with("application/json"));

    let timestamp = reply.json["timestamp"].as_str().unwrap_or_default();
    assert_eq!(timestamp.len(), 20, "timestamp {timestamp:?}");
    assert!(
        timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T',
        "timestamp {timestamp:?}"
    );

    reply.json["txnid"].as_str().unwrap_or_default().to_owned()
}

async fn post_login_raw(url: &str, client_header: Option<&str>, body: Value) -> Reply {
    let mut request = client().post(format!("{url}/v1/users/login")).json(&body);
    if let Some(value) = client_header {
        request = request.header("client", value);
    }
    send(request).await
}

#[tokio::test]
async fn success_shape() {
    let (emulator, key) = start_with_key();

    let reply = post_login(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(reply.status, 200, "body: {}", reply.json);
    let token = reply.json["access_token"].as_str().unwrap_or_default();
    assert_eq!(token.split('.').count(), 3);
    assert!(
        reply.json["refresh_token"]
            .as_str()
            .is_some_and(|token| !token.is_empty())
    );
    assert!(reply.json.get("expiresIn").is_none());
    assert!(reply.header("content-type").starts_with("application/json"));
}

#[tokio::test]
async fn lifetime_is_only_in_jwt() {
    let (emulator, key) = start_with_key();

    let reply = post_login(&emulator, &key.client_id, &key.secret).await;
    let claims = common::claims(reply.json["access_token"].as_str().unwrap_or_default());

    let lifetime =
        claims["exp"].as_i64().unwrap_or_default() - claims["iat"].as_i64().unwrap_or_default();
    assert_eq!(lifetime, 300);
    assert_eq!(claims["flavor"], "login");
}

#[tokio::test]
async fn bad_credentials_are_invalid_api_key() {
    let (emulator, key) = start_with_key();

    let wrong_secret = post_login(&emulator, &key.client_id, "wrong").await;
    let unknown = post_login(&emulator, "unknown", &key.secret).await;

    let first = assert_login_error(&wrong_secret, 400, "invalid-api-key");
    let second = assert_login_error(&unknown, 400, "invalid-api-key");
    assert_ne!(first, second);
}

#[tokio::test]
async fn client_header_is_required() {
    let (emulator, key) = start_with_key();
    let body = json!({ "clientID": key.client_id, "secret": key.secret, "grant_type": "client_credentials" });

    let missing = post_login_raw(&emulator.url(), None, body.clone()).await;
    let wrong = post_login_raw(&emulator.url(), Some("web"), body).await;

    assert_login_error(&missing, 400, "header-not-found");
    assert_login_error(&wrong, 400, "invalid-param");
}

#[tokio::test]
async fn grant_type_must_be_client_credentials() {
    let (emulator, key) = start_with_key();
    let wrong =
        json!({ "clientID": key.client_id, "secret": key.secret, "grant_type": "password" });
    let missing = json!({ "clientID": key.client_id, "secret": key.secret });

    let wrong_reply = post_login_raw(&emulator.url(), Some("bridge"), wrong).await;
    let missing_reply = post_login_raw(&emulator.url(), Some("bridge"), missing).await;

    assert_login_error(&wrong_reply, 400, "invalid-param");
    assert_login_error(&missing_reply, 400, "invalid-param");
}

#[tokio::test]
async fn malformed_body_is_bad_request() {
    let (emulator, _) = start_with_key();
    let request = client()
        .post(format!("{}/v1/users/login", emulator.url()))
        .header("client", "bridge")
        .body("{not json");

    let reply = send(request).await;

    assert_login_error(&reply, 400, "bad-request");
}

#[tokio::test]
async fn other_methods_get_405() {
    let (emulator, _) = start_with_key();

    let reply = send(client().get(format!("{}/v1/users/login", emulator.url()))).await;

    assert_login_error(&reply, 405, "method-not-allowed");
    assert_eq!(reply.header("allow"), "POST");
}

#[tokio::test]
async fn disabled_key_is_rejected() {
    let (emulator, key) = start_with_key();

    emulator
        .disable_key(&key.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let reply = post_login(&emulator, &key.client_id, &key.secret).await;

    assert_login_error(&reply, 400, "invalid-api-key");
}

#[tokio::test]
async fn stats_count_login_requests() {
    let (emulator, key) = start_with_key();

    post_login(&emulator, &key.client_id, &key.secret).await;
    post_login(&emulator, &key.client_id, "wrong").await;
    let stats = emulator.stats();

    assert_eq!(stats.login_requests, 2);
    assert_eq!(stats.token_requests, 2);
    assert_eq!(stats.token_successes, 1);
    assert_eq!(stats.token_failures, 1);
}
