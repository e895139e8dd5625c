//! The admin HTTP API under `/_emulator/`.

mod common;

use common::{Reply, client, post_login, post_v2, send, start, start_with_key};
use reqwest::Method;
use serde_json::{Value, json};
use setu_auth_emulator::{Emulator, EmulatorConfig};

async fn admin(emulator: &Emulator, method: Method, path: &str, body: Option<Value>) -> Reply {
    let mut request = client().request(method, format!("{}/_emulator{path}", emulator.url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    send(request).await
}

fn assert_admin_error(reply: &Reply, status: u16, mentions: &str) {
    assert_eq!(reply.status, status, "body: {}", reply.json);
    let message = reply.json["error"].as_str().unwrap_or_default();
    assert!(
        message.contains(mentions),
        "error {message:?} should mention {mentions:?}"
    );
}

#[tokio::test]
async fn create_and_list_keys() {
    let emulator = start(EmulatorConfig::default());
    let spec = json!({ "name": "ci", "products": ["p1"], "tokenLifetime": 60 });

    let created = admin(&emulator, Method::POST, "/keys", Some(spec)).await;
    let listed = admin(&emulator, Method::GET, "/keys", None).await;

    assert_eq!(created.status, 201, "body: {}", created.json);
    assert!(
        created.json["secret"]
            .as_str()
            .is_some_and(|secret| secret.len() >= 32)
    );
    assert_eq!(created.json["name"], "ci");
    assert_eq!(created.json["environment"], "sandbox");
    assert_eq!(created.json["enabled"], true);
    assert_eq!(created.json["tokenLifetime"], 60);
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json[0]["clientID"], created.json["clientID"]);
    assert_eq!(listed.json[0]["products"], json!(["p1"]));
    assert!(listed.json[0].get("secret").is_none());
}

#[tokio::test]
async fn created_key_fetches_tokens() {
    let emulator = start(EmulatorConfig::default());
    let body = json!({ "clientID": "my-client", "secret": "my-secret-that-is-long-enough" });

    let created = admin(&emulator, Method::POST, "/keys", Some(body)).await;
    let token = post_v2(&emulator, "my-client", "my-secret-that-is-long-enough").await;

    assert_eq!(created.json["clientID"], "my-client");
    assert_eq!(token.status, 200);
    assert_eq!(emulator.list_keys().len(), 1);
}

#[tokio::test]
async fn empty_body_creates_default_key() {
    let emulator = start(EmulatorConfig::default());

    let created = send(client().post(format!("{}/_emulator/keys", emulator.url()))).await;

    assert_eq!(created.status, 201, "body: {}", created.json);
    assert!(
        created.json["clientID"]
            .as_str()
            .is_some_and(|id| id.len() == 36)
    );
}

#[tokio::test]
async fn create_rejects_invalid_input() {
    let emulator = start(EmulatorConfig::default());
    admin(
        &emulator,
        Method::POST,
        "/keys",
        Some(json!({ "clientID": "taken" })),
    )
    .await;

    let unknown_field = admin(
        &emulator,
        Method::POST,
        "/keys",
        Some(json!({ "clientId": "x" })),
    )
    .await;
    let zero_lifetime = admin(
        &emulator,
        Method::POST,
        "/keys",
        Some(json!({ "tokenLifetime": 0 })),
    )
    .await;
    let bad_environment = admin(
        &emulator,
        Method::POST,
        "/keys",
        Some(json!({ "environment": "prod" })),
    )
    .await;
    let duplicate = admin(
        &emulator,
        Method::POST,
        "/keys",
        Some(json!({ "clientID": "taken" })),
    )
    .await;
    let bad_id = admin(
        &emulator,
        Method::POST,
        "/keys",
        Some(json!({ "clientID": "a b" })),
    )
    .await;

    assert_admin_error(&unknown_field, 400, "clientId");
    assert_admin_error(&zero_lifetime, 400, "lifetime 0");
    assert_admin_error(&bad_environment, 400, "prod");
    assert_admin_error(&duplicate, 409, "taken");
    assert_admin_error(&bad_id, 400, "a b");
}

#[tokio::test]
async fn disable_enable_delete_over_http() {
    let (emulator, key) = start_with_key();
    let base = format!("/keys/{}", key.client_id);

    let disabled = admin(&emulator, Method::POST, &format!("{base}/disable"), None).await;
    let while_disabled = post_v2(&emulator, &key.client_id, &key.secret).await;
    let enabled = admin(&emulator, Method::POST, &format!("{base}/enable"), None).await;
    let while_enabled = post_v2(&emulator, &key.client_id, &key.secret).await;
    let deleted = admin(&emulator, Method::DELETE, &base, None).await;
    let after_delete = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(disabled.status, 204);
    assert_eq!(while_disabled.error_code(), "invalid-api-key");
    assert_eq!(enabled.status, 204);
    assert_eq!(while_enabled.status, 200);
    assert_eq!(deleted.status, 204);
    assert_eq!(after_delete.error_code(), "invalid-api-key");
    assert!(emulator.list_keys().is_empty());
}

#[tokio::test]
async fn regenerate_over_http() {
    let (emulator, key) = start_with_key();

    let reply = admin(
        &emulator,
        Method::POST,
        &format!("/keys/{}/regenerate", key.client_id),
        None,
    )
    .await;
    let new_id = reply.json["clientID"].as_str().unwrap_or_default();
    let new_secret = reply.json["secret"].as_str().unwrap_or_default();

    assert_eq!(reply.status, 200, "body: {}", reply.json);
    assert_ne!(new_id, key.client_id);
    assert_ne!(new_secret, key.secret);
    assert_eq!(reply.json["products"], json!([common::PRODUCT]));
    assert_eq!(post_v2(&emulator, new_id, new_secret).await.status, 200);
    assert_eq!(
        post_v2(&emulator, &key.client_id, &key.secret).await.status,
        400
    );
}

#[tokio::test]
async fn unknown_client_id_is_404() {
    let emulator = start(EmulatorConfig::default());

    let replies = [
        admin(&emulator, Method::POST, "/keys/nobody/disable", None).await,
        admin(&emulator, Method::POST, "/keys/nobody/enable", None).await,
        admin(&emulator, Method::POST, "/keys/nobody/regenerate", None).await,
        admin(&emulator, Method::DELETE, "/keys/nobody", None).await,
        admin(
            &emulator,
            Method::PUT,
            "/keys/nobody/token-lifetime",
            Some(json!({ "seconds": 5 })),
        )
        .await,
    ];

    for reply in &replies {
        assert_admin_error(reply, 404, "nobody");
    }
}

#[tokio::test]
async fn key_token_lifetime_over_http() {
    let (emulator, key) = start_with_key();
    let path = format!("/keys/{}/token-lifetime", key.client_id);

    let set = admin(
        &emulator,
        Method::PUT,
        &path,
        Some(json!({ "seconds": 77 })),
    )
    .await;
    let with_override = post_v2(&emulator, &key.client_id, &key.secret).await;
    let cleared = admin(
        &emulator,
        Method::PUT,
        &path,
        Some(json!({ "seconds": null })),
    )
    .await;
    let without_override = post_v2(&emulator, &key.client_id, &key.secret).await;
    let invalid = admin(
        &emulator,
        Method::PUT,
        &path,
        Some(json!({ "seconds": -1 })),
    )
    .await;

    assert_eq!(set.status, 204);
    assert_eq!(with_override.json["data"]["expiresIn"], 77);
    assert_eq!(cleared.status, 204);
    assert_eq!(without_override.json["data"]["expiresIn"], 1800);
    assert_admin_error(&invalid, 400, "invalid JSON body");
}

#[tokio::test]
async fn global_lifetimes_over_http() {
    let (emulator, key) = start_with_key();

    let v2 = admin(
        &emulator,
        Method::PUT,
        "/token-lifetime",
        Some(json!({ "seconds": 100 })),
    )
    .await;
    let login = admin(
        &emulator,
        Method::PUT,
        "/login-token-lifetime",
        Some(json!({ "seconds": 50 })),
    )
    .await;
    let zero = admin(
        &emulator,
        Method::PUT,
        "/token-lifetime",
        Some(json!({ "seconds": 0 })),
    )
    .await;
    let missing = admin(&emulator, Method::PUT, "/token-lifetime", Some(json!({}))).await;
    let token = post_v2(&emulator, &key.client_id, &key.secret).await;
    let login_token = post_login(&emulator, &key.client_id, &key.secret).await;
    let info = admin(&emulator, Method::GET, "/info", None).await;

    assert_eq!(v2.status, 204);
    assert_eq!(login.status, 204);
    assert_admin_error(&zero, 400, "lifetime 0");
    assert_admin_error(&missing, 400, "seconds");
    assert_eq!(token.json["data"]["expiresIn"], 100);
    let claims = common::claims(
        login_token.json["access_token"]
            .as_str()
            .unwrap_or_default(),
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap_or_default() - claims["iat"].as_i64().unwrap_or_default(),
        50
    );
    assert_eq!(info.json["tokenLifetime"], 100);
    assert_eq!(info.json["loginTokenLifetime"], 50);
    assert_eq!(info.json["environment"], "sandbox");
}

#[tokio::test]
async fn clock_over_http() {
    let (emulator, key) = start_with_key();

    let set = admin(
        &emulator,
        Method::PUT,
        "/clock",
        Some(json!({ "skewSeconds": 3600 })),
    )
    .await;
    let too_far = admin(
        &emulator,
        Method::PUT,
        "/clock",
        Some(json!({ "skewSeconds": 9_000_000_000_i64 })),
    )
    .await;
    let token = post_v2(&emulator, &key.client_id, &key.secret).await;
    let info = admin(&emulator, Method::GET, "/info", None).await;

    assert_eq!(set.status, 204);
    assert_admin_error(&too_far, 400, "9000000000");
    let iat = common::claims(token.json["data"]["token"].as_str().unwrap_or_default())["iat"]
        .as_i64()
        .unwrap_or_default();
    assert!((iat - common::real_now() - 3600).abs() <= 5);
    assert_eq!(info.json["clockSkewSeconds"], 3600);
}

#[tokio::test]
async fn faults_over_http() {
    let (emulator, key) = start_with_key();
    let fault = json!({ "action": "respond", "status": 429, "headers": { "Retry-After": "3" }, "times": 2, "target": "v2" });

    let pushed = admin(&emulator, Method::POST, "/faults", Some(fault)).await;
    let first = post_v2(&emulator, &key.client_id, &key.secret).await;
    let cleared = admin(&emulator, Method::DELETE, "/faults", None).await;
    let second = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(pushed.status, 204);
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), "3");
    assert_eq!(cleared.status, 204);
    assert_eq!(second.status, 200);
}

#[tokio::test]
async fn fault_validation_over_http() {
    let emulator = start(EmulatorConfig::default());

    let no_status = admin(
        &emulator,
        Method::POST,
        "/faults",
        Some(json!({ "action": "respond" })),
    )
    .await;
    let bad_action = admin(
        &emulator,
        Method::POST,
        "/faults",
        Some(json!({ "action": "explode" })),
    )
    .await;
    let zero_times = admin(
        &emulator,
        Method::POST,
        "/faults",
        Some(json!({ "action": "drop", "times": 0 })),
    )
    .await;
    let status_on_drop = admin(
        &emulator,
        Method::POST,
        "/faults",
        Some(json!({ "action": "drop", "status": 500 })),
    )
    .await;

    assert_admin_error(&no_status, 400, "status");
    assert_admin_error(&bad_action, 400, "explode");
    assert_admin_error(&zero_times, 400, "times");
    assert_admin_error(&status_on_drop, 400, "drop");
}

#[tokio::test]
async fn stats_over_http() {
    let (emulator, key) = start_with_key();
    post_v2(&emulator, &key.client_id, &key.secret).await;

    let stats = admin(&emulator, Method::GET, "/stats", None).await;
    let reset = admin(&emulator, Method::POST, "/stats/reset", None).await;
    let after_reset = admin(&emulator, Method::GET, "/stats", None).await;

    assert_eq!(stats.status, 200);
    assert_eq!(stats.json["token_requests"], 1);
    assert_eq!(stats.json["token_successes"], 1);
    for field in [
        "token_failures",
        "login_requests",
        "api_requests",
        "api_accepted",
        "api_rejected",
        "faults_applied",
    ] {
        assert_eq!(stats.json[field], 0, "field {field}");
    }
    assert_eq!(reset.status, 204);
    assert_eq!(after_reset.json["token_requests"], 0);
    assert_eq!(emulator.stats().token_requests, 0);
}

#[tokio::test]
async fn admin_requests_are_not_counted() {
    let emulator = start(EmulatorConfig::default());

    admin(&emulator, Method::GET, "/keys", None).await;

    assert_eq!(
        emulator.stats(),
        setu_auth_emulator::EmulatorStats::default()
    );
}

#[tokio::test]
async fn jwks_and_pem_over_http() {
    let emulator = start(EmulatorConfig::default());

    let jwks = admin(&emulator, Method::GET, "/jwks", None).await;
    let pem = client()
        .get(format!("{}/_emulator/public-key.pem", emulator.url()))
        .send()
        .await
        .unwrap_or_else(|error| panic!("request failed: {error}"))
        .text()
        .await
        .unwrap_or_default();

    assert_eq!(jwks.json, emulator.jwks());
    assert_eq!(pem, emulator.public_key_pem());
}

#[tokio::test]
async fn unknown_admin_path_and_method() {
    let emulator = start(EmulatorConfig::default());

    let unknown_path = admin(&emulator, Method::GET, "/nothing", None).await;
    let wrong_method = admin(&emulator, Method::DELETE, "/stats", None).await;
    let not_json = send(
        client()
            .put(format!("{}/_emulator/clock", emulator.url()))
            .body("skew=5"),
    )
    .await;

    assert_admin_error(&unknown_path, 404, "/_emulator/nothing");
    assert_admin_error(&wrong_method, 405, "DELETE");
    assert_admin_error(&not_json, 400, "invalid JSON body");
}

#[tokio::test]
async fn oversized_admin_body_is_rejected() {
    let emulator = start(EmulatorConfig::default());
    let name = "x".repeat(70 * 1024);

    let reply = admin(
        &emulator,
        Method::POST,
        "/keys",
        Some(json!({ "name": name })),
    )
    .await;

    assert_admin_error(&reply, 413, "65536");
}
