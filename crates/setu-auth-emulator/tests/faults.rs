//! Fault injection on the token endpoints: each action, targets, `times`, FIFO order
//! and counters.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use common::{post_login, post_v2, start_with_key};
use setu_auth_emulator::{Fault, FaultAction, FaultTarget};

/// Sends a v2 token request over a raw socket and returns every byte until the server
/// closes the connection.
fn raw_token_request(addr: SocketAddr, client_id: &str, secret: &str) -> Vec<u8> {
    let body = serde_json::json!({ "clientID": client_id, "secret": secret }).to_string();
    let request = format!(
        "POST /api/v2/auth/token HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );

    let mut stream =
        TcpStream::connect(addr).unwrap_or_else(|error| panic!("connect failed: {error}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap_or_else(|error| panic!("set_read_timeout failed: {error}"));
    stream
        .write_all(request.as_bytes())
        .unwrap_or_else(|error| panic!("write failed: {error}"));

    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => received.extend_from_slice(&buffer[..count]),
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                panic!("server never closed the connection")
            }
            Err(error) if error.kind() == std::io::ErrorKind::TimedOut => {
                panic!("server never closed the connection")
            }
            Err(_) => break,
        }
    }
    received
}

/// Splits a raw HTTP response into its head and body.
fn split_response(raw: &[u8]) -> (String, Vec<u8>) {
    let text = String::from_utf8_lossy(raw);
    let Some((head, _)) = text.split_once("\r\n\r\n") else {
        return (text.into_owned(), Vec::new());
    };

    let body = raw[head.len() + 4..].to_vec();
    (head.to_owned(), body)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn respond_sends_envelope_and_headers() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::respond(429).with_header("Retry-After", "7"));

    let faulted = post_v2(&emulator, &key.client_id, &key.secret).await;
    let normal = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(faulted.status, 429);
    assert_eq!(faulted.header("retry-after"), "7");
    assert_eq!(faulted.json["status"], 429);
    assert_eq!(faulted.json["success"], false);
    assert_eq!(faulted.error_code(), "too-many-requests");
    assert!(faulted.json["error"]["traceID"].is_string());
    assert!(!faulted.header("date").is_empty());
    assert_eq!(normal.status, 200);
}

#[tokio::test]
async fn respond_uses_generic_codes_per_status() {
    let (emulator, key) = start_with_key();
    let cases = [
        (500, "unable-to-fulfil-request"),
        (503, "service-unavailable"),
        (502, "bad-gateway"),
        (401, "unauthorised"),
    ];

    for (status, code) in cases {
        emulator.push_fault(Fault::respond(status));
        let reply = post_v2(&emulator, &key.client_id, &key.secret).await;
        assert_eq!(reply.status, status);
        assert_eq!(reply.error_code(), code, "status {status}");
    }
}

#[tokio::test]
async fn respond_with_custom_body() {
    let (emulator, key) = start_with_key();
    let action = FaultAction::Respond {
        status: 502,
        headers: vec![("Content-Type".to_owned(), "text/html".to_owned())],
        body: Some("<html>bad gateway</html>".to_owned()),
    };
    emulator.push_fault(Fault::new(action));

    let response = common::client()
        .post(format!("{}/api/v2/auth/token", emulator.url()))
        .json(&serde_json::json!({ "clientID": key.client_id, "secret": key.secret }))
        .send()
        .await
        .unwrap_or_else(|error| panic!("request failed: {error}"));

    assert_eq!(response.status(), 502);
    assert_eq!(
        response.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"text/html"[..])
    );
    assert_eq!(
        response.text().await.unwrap_or_default(),
        "<html>bad gateway</html>"
    );
}

#[tokio::test]
async fn respond_on_login_uses_login_error_shape() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::respond(503));

    let reply = post_login(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(reply.status, 503);
    assert_eq!(reply.json["errorCode"], "service-unavailable");
    assert!(reply.json["txnid"].is_string());
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let (emulator, key) = start_with_key();
    let delay = Duration::from_millis(300);
    emulator.push_fault(Fault::new(FaultAction::Delay).with_delay(delay));

    let started = common::stopwatch();
    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;
    let elapsed = started.elapsed();

    assert_eq!(reply.status, 200);
    assert!(elapsed >= delay, "answered after {elapsed:?}");
    assert_eq!(emulator.stats().faults_applied, 1);
}

#[tokio::test]
async fn delay_applies_before_respond() {
    let (emulator, key) = start_with_key();
    let delay = Duration::from_millis(200);
    emulator.push_fault(Fault::respond(503).with_delay(delay));

    let started = common::stopwatch();
    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(reply.status, 503);
    assert!(started.elapsed() >= delay);
}

#[tokio::test]
async fn drop_connection_gives_client_error() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::new(FaultAction::DropConnection));

    let result = common::client()
        .post(format!("{}/api/v2/auth/token", emulator.url()))
        .json(&serde_json::json!({ "clientID": key.client_id, "secret": key.secret }))
        .send()
        .await;
    let after = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert!(
        result.is_err(),
        "got a response: {:?}",
        result.map(|r| r.status())
    );
    assert_eq!(after.status, 200);
}

#[test]
fn drop_connection_sends_no_bytes() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::new(FaultAction::DropConnection));

    let received = raw_token_request(emulator.addr(), &key.client_id, &key.secret);
    let stats = emulator.stats();

    assert!(
        received.is_empty(),
        "received {:?}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(stats.token_failures, 1);
    assert_eq!(stats.faults_applied, 1);
}

#[tokio::test]
async fn truncate_body_gives_client_error() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::new(FaultAction::TruncateBody));

    let response = common::client()
        .post(format!("{}/api/v2/auth/token", emulator.url()))
        .json(&serde_json::json!({ "clientID": key.client_id, "secret": key.secret }))
        .send()
        .await
        .unwrap_or_else(|error| panic!("headers should arrive: {error}"));
    let status = response.status();
    let body = response.bytes().await;
    let after = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(status, 200);
    assert!(
        body.is_err(),
        "got a full body of {:?} bytes",
        body.map(|b| b.len())
    );
    assert_eq!(after.status, 200);
}

#[test]
fn truncate_body_sends_less_than_content_length() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::new(FaultAction::TruncateBody));

    let received = raw_token_request(emulator.addr(), &key.client_id, &key.secret);
    let (head, body) = split_response(&received);
    let announced = content_length(&head);

    assert!(head.starts_with("HTTP/1.1 200"), "head {head:?}");
    assert!(!body.is_empty());
    assert!(
        body.len() < announced,
        "sent {} of {announced} bytes",
        body.len()
    );
    assert_eq!(emulator.stats().token_failures, 1);
}

#[tokio::test]
async fn times_and_fifo_order() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::respond(500).with_times(2));
    emulator.push_fault(Fault::respond(503));

    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(post_v2(&emulator, &key.client_id, &key.secret).await.status);
    }

    assert_eq!(statuses, [500, 500, 503, 200]);
    assert_eq!(emulator.stats().faults_applied, 3);
}

#[tokio::test]
async fn target_limits_fault_to_one_flavor() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::respond(503).with_target(FaultTarget::Login));

    let v2 = post_v2(&emulator, &key.client_id, &key.secret).await;
    let login = post_login(&emulator, &key.client_id, &key.secret).await;
    let login_again = post_login(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(v2.status, 200);
    assert_eq!(login.status, 503);
    assert_eq!(login_again.status, 200);
}

#[tokio::test]
async fn clear_faults_removes_pending() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::respond(503).with_times(5));

    emulator.clear_faults();
    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(reply.status, 200);
    assert_eq!(emulator.stats().faults_applied, 0);
}

#[tokio::test]
async fn faulted_requests_are_counted() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::respond(429));
    emulator.push_fault(Fault::new(FaultAction::DropConnection));

    post_v2(&emulator, &key.client_id, &key.secret).await;
    let _ = common::client()
        .post(format!("{}/api/v2/auth/token", emulator.url()))
        .json(&serde_json::json!({ "clientID": key.client_id, "secret": key.secret }))
        .send()
        .await;
    post_v2(&emulator, &key.client_id, &key.secret).await;
    let stats = emulator.stats();

    assert_eq!(stats.token_requests, 3);
    assert_eq!(stats.token_failures, 2);
    assert_eq!(stats.token_successes, 1);
    assert_eq!(stats.faults_applied, 2);
}

#[tokio::test]
async fn invalid_fault_status_is_reported_as_500() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::respond(42));

    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(reply.status, 500);
    assert!(
        reply.json["error"]["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("42"))
    );
}
