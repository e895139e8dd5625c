//! `POST /api/v2/auth/token` over HTTP: success shape and every error path.

mod common;

use common::{Reply, client, create_key, post_v2, send, start, start_with_key};
use serde_json::{Value, json};
use setu_auth_emulator::{EmulatorConfig, Environment, KeySpec};

/// Checks the Setu error envelope of `reply` and returns its traceID.
fn assert_envelope(reply: &Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "body: {}", reply.json);
    assert_eq!(reply.json["status"], status);
    assert_eq!(reply.json["success"], false);
    assert_eq!(reply.error_code(), code, "body: {}", reply.json);

    let error = &reply.json["error"];
    assert!(
        error["title"]
            .as_str()
            .is_some_and(|title| !title.is_empty())
    );
    assert!(
        error["detail"]
            .as_str()
            .is_some_and(|detail| !detail.is_empty())
    );
    assert!(
        error["docURL"]
            .as_str()
            .is_some_and(|url| url.starts_with("https://"))
    );
    assert_eq!(error["errors"], json!([]));
    assert!(reply.header("content-type").starts_with("application/json"));

    error["traceID"].as_str().unwrap_or_default().to_owned()
}

async fn post_raw(url: &str, body: &'static str) -> Reply {
    let request = client()
        .post(format!("{url}/api/v2/auth/token"))
        .header("content-type", "application/json")
        .body(body);
    send(request).await
}

#[tokio::test]
async fn success_shape() {
    let (emulator, key) = start_with_key();

    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["status"], 200);
    assert_eq!(reply.json["success"], true);
    assert_eq!(reply.json["data"]["expiresIn"], 1800);
    assert_eq!(
        reply.json["data"]["token"]
            .as_str()
            .map(|t| t.split('.').count()),
        Some(3)
    );
    assert!(reply.header("content-type").starts_with("application/json"));
}

#[tokio::test]
async fn bad_credentials_are_invalid_api_key() {
    let (emulator, key) = start_with_key();

    let unknown = post_v2(&emulator, "no-such-client", &key.secret).await;
    let wrong_secret = post_v2(&emulator, &key.client_id, "wrong-secret").await;

    let first_trace = assert_envelope(&unknown, 400, "invalid-api-key");
    let second_trace = assert_envelope(&wrong_secret, 400, "invalid-api-key");
    assert!(!first_trace.is_empty());
    assert_ne!(first_trace, second_trace);
}

#[tokio::test]
async fn error_detail_never_contains_secret() {
    let (emulator, key) = start_with_key();

    let reply = post_v2(&emulator, &key.client_id, "wrong-secret-value").await;

    assert!(!reply.json.to_string().contains("wrong-secret-value"));
    assert!(!reply.json.to_string().contains(&key.secret));
}

#[tokio::test]
async fn disabled_key_is_rejected_until_enabled() {
    let (emulator, key) = start_with_key();

    emulator
        .disable_key(&key.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let disabled = post_v2(&emulator, &key.client_id, &key.secret).await;
    emulator
        .enable_key(&key.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let enabled = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_envelope(&disabled, 400, "invalid-api-key");
    assert_eq!(enabled.status, 200);
}

#[tokio::test]
async fn deleted_key_is_rejected() {
    let (emulator, key) = start_with_key();

    emulator
        .delete_key(&key.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_envelope(&reply, 400, "invalid-api-key");
}

#[tokio::test]
async fn regenerated_key_retires_old_pair() {
    let (emulator, old) = start_with_key();

    let new = emulator
        .regenerate_key(&old.client_id)
        .unwrap_or_else(|error| panic!("{error}"));
    let with_old = post_v2(&emulator, &old.client_id, &old.secret).await;
    let with_new = post_v2(&emulator, &new.client_id, &new.secret).await;
    let old_id_new_secret = post_v2(&emulator, &old.client_id, &new.secret).await;

    assert_envelope(&with_old, 400, "invalid-api-key");
    assert_envelope(&old_id_new_secret, 400, "invalid-api-key");
    assert_eq!(with_new.status, 200);
    assert_eq!(new.name, old.name);
    assert_eq!(new.products, old.products);
    assert_eq!(new.environment, old.environment);
}

#[tokio::test]
async fn key_of_other_environment_is_rejected() {
    let emulator = start(EmulatorConfig {
        environment: Environment::Production,
        ..EmulatorConfig::default()
    });
    let sandbox_key = create_key(
        &emulator,
        KeySpec {
            environment: Some(Environment::Sandbox),
            ..KeySpec::default()
        },
    );
    let production_key = create_key(&emulator, KeySpec::default());

    let sandbox = post_v2(&emulator, &sandbox_key.client_id, &sandbox_key.secret).await;
    let production = post_v2(&emulator, &production_key.client_id, &production_key.secret).await;

    assert_envelope(&sandbox, 400, "invalid-api-key");
    assert_eq!(production_key.environment, Environment::Production);
    assert_eq!(production.status, 200);
}

#[tokio::test]
async fn malformed_bodies_are_rejected() {
    let (emulator, _) = start_with_key();
    let cases = [
        ("not json", "bad-request"),
        ("", "bad-request"),
        ("[1, 2]", "bad-request"),
        ("\"text\"", "bad-request"),
        ("{}", "invalid-param"),
        (r#"{"clientID": "a"}"#, "invalid-param"),
        (r#"{"secret": "a"}"#, "invalid-param"),
        (r#"{"clientID": 5, "secret": "a"}"#, "invalid-param"),
        (r#"{"clientID": "a", "secret": null}"#, "invalid-param"),
        (r#"{"clientID": "", "secret": "a"}"#, "invalid-param"),
    ];

    for (body, code) in cases {
        let reply = post_raw(&emulator.url(), body).await;
        assert_eq!(reply.status, 400, "body {body:?}");
        assert_eq!(reply.error_code(), code, "body {body:?}");
        assert_envelope(&reply, 400, code);
    }
}

#[tokio::test]
async fn oversized_body_is_rejected() {
    let (emulator, key) = start_with_key();
    let padding = "x".repeat(70 * 1024);
    let body = json!({ "clientID": key.client_id, "secret": key.secret, "padding": padding });

    let request = client()
        .post(format!("{}/api/v2/auth/token", emulator.url()))
        .json(&body);
    let reply = send(request).await;

    assert_envelope(&reply, 400, "bad-request");
}

#[tokio::test]
async fn other_methods_get_405_with_allow() {
    let (emulator, _) = start_with_key();
    let url = format!("{}/api/v2/auth/token", emulator.url());

    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let reply = send(client().request(method.clone(), &url)).await;
        assert_envelope(&reply, 405, "method-not-allowed");
        assert_eq!(reply.header("allow"), "POST", "method {method}");
    }
}

#[tokio::test]
async fn unknown_path_is_path_not_found() {
    let (emulator, _) = start_with_key();

    let reply = send(client().get(format!("{}/api/v2/nothing-here", emulator.url()))).await;

    assert_envelope(&reply, 404, "path-not-found");
}

#[tokio::test]
async fn every_response_has_date_header() {
    let (emulator, key) = start_with_key();

    let success = post_v2(&emulator, &key.client_id, &key.secret).await;
    let failure = post_v2(&emulator, "unknown", "secret").await;

    for reply in [success, failure] {
        let seconds = common::http_date_seconds(reply.header("date"));
        assert!(
            (seconds - common::real_now()).abs() <= 5,
            "Date {}",
            reply.header("date")
        );
    }
}

#[tokio::test]
async fn stats_count_successes_and_failures() {
    let (emulator, key) = start_with_key();

    post_v2(&emulator, &key.client_id, &key.secret).await;
    post_v2(&emulator, &key.client_id, "wrong").await;
    send(client().get(format!("{}/api/v2/auth/token", emulator.url()))).await;
    let stats = emulator.stats();

    assert_eq!(stats.token_requests, 3);
    assert_eq!(stats.token_successes, 1);
    assert_eq!(stats.token_failures, 2);
    assert_eq!(stats.login_requests, 0);
    assert_eq!(stats.faults_applied, 0);
}

#[tokio::test]
async fn tokens_are_unique() {
    let (emulator, key) = start_with_key();

    let first = post_v2(&emulator, &key.client_id, &key.secret).await;
    let second = post_v2(&emulator, &key.client_id, &key.secret).await;

    let token = |reply: &Reply| reply.json["data"]["token"].clone();
    assert_ne!(token(&first), Value::Null);
    assert_ne!(token(&first), token(&second));
}
