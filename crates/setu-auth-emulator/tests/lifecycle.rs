//! Starting, configuring and stopping the emulator.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{post_v2, start, start_with_key};
use setu_auth_emulator::{
    Emulator, EmulatorConfig, EmulatorError, Environment, Fault, FaultAction, KeySpec,
};

/// Shutdown must finish well within this, even with busy connections.
const PROMPT: Duration = Duration::from_secs(2);

#[test]
fn start_is_fast_and_url_is_loopback() {
    let started = common::stopwatch();
    let emulator = start(EmulatorConfig::default());
    let elapsed = started.elapsed();
    eprintln!("Emulator::start took {elapsed:?}");

    assert!(elapsed < Duration::from_secs(5), "start took {elapsed:?}");
    assert_eq!(
        emulator.url(),
        format!("http://127.0.0.1:{}", emulator.addr().port())
    );
    assert!(!emulator.url().ends_with('/'));
    assert_ne!(emulator.addr().port(), 0);
    assert_eq!(emulator.environment(), Environment::Sandbox);
}

#[tokio::test]
async fn configured_keys_exist_at_start() {
    let key = KeySpec {
        client_id: Some("configured".to_owned()),
        secret: Some("configured-secret".to_owned()),
        name: "from config".to_owned(),
        ..KeySpec::default()
    };
    let config = EmulatorConfig {
        keys: vec![key],
        token_lifetime: 600,
        ..EmulatorConfig::default()
    };

    let emulator = start(config);
    let reply = post_v2(&emulator, "configured", "configured-secret").await;

    assert_eq!(reply.json["data"]["expiresIn"], 600);
    assert_eq!(emulator.list_keys()[0].name, "from config");
}

#[test]
fn invalid_config_is_rejected() {
    let zero = EmulatorConfig {
        token_lifetime: 0,
        ..EmulatorConfig::default()
    };
    let bad_key = EmulatorConfig {
        keys: vec![KeySpec {
            client_id: Some(String::new()),
            ..KeySpec::default()
        }],
        ..EmulatorConfig::default()
    };

    assert!(matches!(
        Emulator::start(zero),
        Err(EmulatorError::InvalidLifetime { seconds: 0, .. })
    ));
    assert!(matches!(
        Emulator::start(bad_key),
        Err(EmulatorError::InvalidKeySpec { .. })
    ));
}

#[test]
fn bind_failure_names_address() {
    let first = start(EmulatorConfig::default());
    let config = EmulatorConfig {
        listen: first.addr(),
        ..EmulatorConfig::default()
    };

    let error = Emulator::start(config).err();

    assert!(matches!(error, Some(EmulatorError::Bind { .. })));
    assert!(error.is_some_and(|error| error.to_string().contains(&first.addr().to_string())));
}

#[test]
fn unknown_client_id_errors() {
    let emulator = start(EmulatorConfig::default());

    let results = [
        emulator.disable_key("ghost"),
        emulator.enable_key("ghost"),
        emulator.delete_key("ghost"),
        emulator.regenerate_key("ghost").map(drop),
    ];

    for result in results {
        assert!(
            matches!(result, Err(EmulatorError::UnknownClientId { ref client_id }) if client_id == "ghost")
        );
    }
}

#[test]
fn shutdown_returns_promptly_with_busy_connections() {
    let (emulator, key) = start_with_key();
    emulator.push_fault(Fault::new(FaultAction::Delay).with_delay(Duration::from_secs(60)));
    let addr = emulator.addr();

    // One connection waits inside a 60-second fault delay, another is idle.
    let mut waiting = TcpStream::connect(addr).unwrap_or_else(|error| panic!("{error}"));
    let body = serde_json::json!({ "clientID": key.client_id, "secret": key.secret }).to_string();
    let request = format!(
        "POST /api/v2/auth/token HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    waiting
        .write_all(request.as_bytes())
        .unwrap_or_else(|error| panic!("{error}"));
    let _idle = TcpStream::connect(addr).unwrap_or_else(|error| panic!("{error}"));
    std::thread::sleep(Duration::from_millis(100));

    let started = common::stopwatch();
    emulator.shutdown();
    let elapsed = started.elapsed();

    assert!(elapsed < PROMPT, "shutdown took {elapsed:?}");
    waiting
        .set_read_timeout(Some(PROMPT))
        .unwrap_or_else(|error| panic!("{error}"));
    let mut buffer = [0u8; 64];
    let read = waiting.read(&mut buffer);
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "connection still open after shutdown: {read:?}"
    );
}

#[test]
fn drop_stops_server() {
    let emulator = start(EmulatorConfig::default());
    let addr = emulator.addr();

    let started = common::stopwatch();
    drop(emulator);
    let elapsed = started.elapsed();

    assert!(elapsed < PROMPT, "drop took {elapsed:?}");
    assert!(
        TcpStream::connect_timeout(&addr, PROMPT).is_err(),
        "port still accepts connections"
    );
}

#[tokio::test]
async fn drop_inside_async_runtime_is_fine() {
    let (emulator, key) = start_with_key();

    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;
    drop(emulator);

    assert_eq!(reply.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_token_requests() {
    let (emulator, key) = start_with_key();
    let emulator = std::sync::Arc::new(emulator);

    let mut tasks = Vec::new();
    for _ in 0..20 {
        let emulator = std::sync::Arc::clone(&emulator);
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            post_v2(&emulator, &key.client_id, &key.secret).await.status
        }));
    }

    for task in tasks {
        assert_eq!(task.await.ok(), Some(200));
    }
    assert_eq!(emulator.stats().token_successes, 20);
}

#[test]
fn debug_output_hides_secrets() {
    let (emulator, key) = start_with_key();

    let rendered = format!("{emulator:?} {key:?} {:?}", emulator.list_keys());

    assert!(!rendered.contains(&key.secret));
    assert!(rendered.contains(&key.client_id));
}
