//! Token requests of both flavours against the emulator, and every way a response can fail.

mod common;

use std::time::Duration;

use common::{Setup, within};
use setu_auth::{ErrorCode, TokenManager};
use setu_auth_emulator::{Fault, FaultAction, FaultTarget};

fn respond(status: u16, body: &str) -> Fault {
    Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Respond {
            status,
            headers: vec![],
            body: Some(body.to_owned()),
        },
        delay: Duration::ZERO,
    }
}

fn action(action: FaultAction) -> Fault {
    Fault {
        times: 1,
        target: FaultTarget::Any,
        action,
        delay: Duration::ZERO,
    }
}

#[tokio::test]
async fn v2_token_fetched() {
    let setup = Setup::new();
    let manager = setup.manager();

    let token = within(manager.token()).await.expect("token");

    assert_eq!(common::client_id_claim(token.as_str()), setup.key.client_id);
    assert_eq!(token.lifetime(), Duration::from_secs(1800));
    assert_eq!(setup.requests(), 1);
}

#[tokio::test]
async fn login_token_fetched() {
    let setup = Setup::new();
    let manager = setup.login_manager();

    let token = within(manager.token()).await.expect("token");

    assert_eq!(common::client_id_claim(token.as_str()), setup.key.client_id);
    assert_eq!(token.lifetime(), Duration::from_secs(300));
}

#[tokio::test]
async fn wrong_secret_is_invalid_credentials() {
    let setup = Setup::new();
    let manager = setup.wrong_secret_manager();

    let error = within(manager.token()).await.expect_err("rejected");

    assert_eq!(error.code(), ErrorCode::InvalidCredentials);
    assert_eq!(error.setu_code(), Some("invalid-api-key"));
    assert_eq!(error.status(), Some(400));
    assert!(error.trace_id().is_some());
    assert!(!error.is_retryable());
    assert!(!error.to_string().contains("wrong-secret"));
}

#[tokio::test]
async fn html_body_is_invalid_response() {
    let setup = Setup::new();
    setup
        .emulator
        .push_fault(respond(502, "<html><body>Bad Gateway</body></html>"));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("rejected");

    assert_eq!(error.code(), ErrorCode::ServerError);
    assert_eq!(error.status(), Some(502));
    assert!(error.is_retryable());
    assert!(error.message().contains("Bad Gateway"), "{error}");
}

#[tokio::test]
async fn html_success_is_invalid_response() {
    let setup = Setup::new();
    setup
        .emulator
        .push_fault(respond(200, "<html>maintenance</html>"));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("rejected");

    assert_eq!(error.code(), ErrorCode::InvalidResponse);
    assert_eq!(error.status(), Some(200));
}

#[tokio::test]
async fn wrong_field_types_rejected() {
    let setup = Setup::new();
    setup.emulator.push_fault(respond(
        200,
        r#"{"status":200,"success":true,"data":{"expiresIn":1800,"token":12345}}"#,
    ));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("rejected");

    assert_eq!(error.code(), ErrorCode::InvalidResponse);
}

#[tokio::test]
async fn numeric_string_expires_in_accepted() {
    let setup = Setup::new();
    setup.emulator.push_fault(respond(
        200,
        r#"{"status":200,"success":true,"data":{"expiresIn":"600","token":"opaque-token-value"}}"#,
    ));
    let manager = setup.manager();

    let token = within(manager.token()).await.expect("token");

    assert_eq!(token.lifetime(), Duration::from_secs(600));
}

#[tokio::test]
async fn zero_expires_in_rejected() {
    let setup = Setup::new();
    setup.emulator.push_fault(respond(
        200,
        r#"{"status":200,"success":true,"data":{"expiresIn":0,"token":"opaque-token-value"}}"#,
    ));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("rejected");

    assert_eq!(error.code(), ErrorCode::InvalidTokenLifetime);
    assert!(error.message().contains("expiresIn"), "{error}");
}

#[tokio::test]
async fn oversized_body_rejected() {
    let setup = Setup::new();
    let huge = format!(
        r#"{{"data":{{"token":"x","padding":"{}"}}}}"#,
        "a".repeat(100_000)
    );
    setup.emulator.push_fault(respond(200, &huge));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("rejected");

    assert_eq!(error.code(), ErrorCode::InvalidResponse);
    assert!(error.message().contains("limit"), "{error}");
}

#[tokio::test]
async fn truncated_body_rejected() {
    let setup = Setup::new();
    setup.emulator.push_fault(action(FaultAction::TruncateBody));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("rejected");

    assert!(
        matches!(
            error.code(),
            ErrorCode::InvalidResponse | ErrorCode::ConnectionFailed
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn dropped_connection_is_connection_failed() {
    let setup = Setup::new();
    setup
        .emulator
        .push_fault(action(FaultAction::DropConnection));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("rejected");

    assert_eq!(error.code(), ErrorCode::ConnectionFailed);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn slow_server_times_out() {
    let setup = Setup::new();
    setup.emulator.push_fault(Fault {
        delay: Duration::from_secs(5),
        ..action(FaultAction::Delay)
    });
    let manager = setup
        .builder()
        .request_timeout(Duration::from_millis(200))
        .build()
        .expect("manager");

    let error = within(manager.token()).await.expect_err("timed out");

    assert_eq!(error.code(), ErrorCode::Timeout);
}

#[tokio::test]
async fn nothing_listening_is_connection_failed() {
    let manager = TokenManager::builder()
        .base_url("http://127.0.0.1:9")
        .credentials("client", "secret")
        .build()
        .expect("manager");

    let error = within(manager.token()).await.expect_err("no server");

    assert_eq!(error.code(), ErrorCode::ConnectionFailed);
}

#[tokio::test]
async fn rate_limit_carries_retry_after() {
    let setup = Setup::new();
    setup.emulator.push_fault(action(FaultAction::Respond {
        status: 429,
        headers: vec![("Retry-After".into(), "3".into())],
        body: None,
    }));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("limited");

    assert_eq!(error.code(), ErrorCode::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
    assert!(error.setu_code().is_some());
}

#[tokio::test]
async fn build_outside_runtime_is_config_error() {
    let result = std::thread::spawn(|| {
        TokenManager::builder()
            .base_url("http://127.0.0.1:9")
            .credentials("client", "secret")
            .build()
    })
    .join()
    .expect("thread");

    let error = result.expect_err("no runtime");
    assert_eq!(error.code(), ErrorCode::InvalidConfig);
    assert!(error.message().contains("runtime"), "{error}");
}

#[tokio::test]
async fn retry_after_capped_by_policy() {
    let setup = Setup::new();
    setup.emulator.push_fault(action(FaultAction::Respond {
        status: 429,
        headers: vec![("Retry-After".into(), "3600".into())],
        body: None,
    }));
    let manager = setup.manager();

    let error = within(manager.token()).await.expect_err("limited");

    assert_eq!(error.retry_after(), Some(Duration::from_secs(60)));
}
