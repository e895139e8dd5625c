//! The `setu-auth` binary, run as a user would.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use setu_auth_emulator::{Emulator, EmulatorConfig, KeySpec};

fn setu_auth() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_setu-auth"));
    command.env_remove("SETU_AUTH_LOG");
    command.env_remove("SETU_AUTH_REDIS_URL");
    // Each run gets an empty cache, so no token is shared with other tests or the user.
    command.env("XDG_CACHE_HOME", temp_dir("cache"));
    command
}

fn temp_dir(name: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    std::env::temp_dir().join(format!(
        "setu-auth-cli-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

fn emulator_with_key() -> (Emulator, String, String) {
    let emulator = Emulator::start(EmulatorConfig::default()).expect("emulator");
    let key = emulator.create_key(KeySpec::default()).expect("key");
    (emulator, key.client_id, key.secret)
}

fn token_command(emulator: &Emulator, id: &str, secret: &str, extra: &[&str]) -> Output {
    setu_auth()
        .args(["token", "--base-url", &emulator.url()])
        .args(extra)
        .env("SETU_CLIENT_ID", id)
        .env("SETU_CLIENT_SECRET", secret)
        .output()
        .expect("setu-auth runs")
}

#[test]
fn demo_runs_to_completion() {
    let output = setu_auth().arg("demo").output().expect("demo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);

    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("started the Setu emulator at http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("emulator saw 1 token request(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("renewed it"), "{stdout}");
    assert!(stdout.contains("invalid-api-key"), "{stdout}");
    assert!(stdout.contains("counters:"), "{stdout}");
    assert!(!stdout.contains("eyJ"), "a token was printed: {stdout}");
}

#[test]
fn token_printed() {
    let (emulator, id, secret) = emulator_with_key();

    let output = token_command(&emulator, &id, &secret, &[]);

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(token.trim().split('.').count(), 3, "a JWT: {token}");
    assert_eq!(emulator.stats().token_requests, 1);
}

#[test]
fn token_json_has_expiry() {
    let (emulator, id, secret) = emulator_with_key();

    let output = token_command(&emulator, &id, &secret, &["--json", "--flavor", "login"]);

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["expires_in"], 300);
    assert_eq!(json["token_type"], "Bearer");
    assert!(json["token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(
        json["expires_at"]
            .as_u64()
            .is_some_and(|t| t > 1_700_000_000)
    );
}

#[test]
fn wrong_secret_exits_3_with_setu_details() {
    let (emulator, id, _) = emulator_with_key();

    let output = token_command(&emulator, &id, "not-the-secret", &[]);

    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("invalid-api-key"), "{stderr}");
    assert!(stderr.contains("traceID"), "{stderr}");
    assert!(!stderr.contains("not-the-secret"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn missing_environment_exits_2() {
    let output = setu_auth()
        .arg("token")
        .env_remove("SETU_CLIENT_ID")
        .env_remove("SETU_CLIENT_SECRET")
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SETU_CLIENT_ID is not set or empty"));
}

#[test]
fn plain_http_remote_exits_2() {
    let output = setu_auth()
        .args(["token", "--base-url", "http://setu.example"])
        .env("SETU_CLIENT_ID", "id")
        .env("SETU_CLIENT_SECRET", "secret")
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("plain http"));
}

#[test]
fn unreachable_server_exits_7() {
    let output = setu_auth()
        .args(["token", "--base-url", "http://127.0.0.1:9"])
        .env("SETU_CLIENT_ID", "id")
        .env("SETU_CLIENT_SECRET", "secret")
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(7));
}

#[test]
fn emulator_command_serves_seeded_keys() {
    let mut child = setu_auth()
        .args([
            "emulator",
            "--token-lifetime",
            "600",
            "--key",
            "cli-id:cli-secret:prod-1",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("emulator starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a line").expect("utf-8");

    let url = first
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");

    let output = setu_auth()
        .args(["token", "--json", "--base-url", &url])
        .env("SETU_CLIENT_ID", "cli-id")
        .env("SETU_CLIENT_SECRET", "cli-secret")
        .output()
        .expect("token runs");
    let stats = reqwest_free_get(&url, "/_emulator/stats");
    child.kill().expect("stopped");
    let _ = child.wait();

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["expires_in"], 600);
    let stats: serde_json::Value = serde_json::from_str(&stats).expect("stats JSON");
    assert_eq!(stats["token_requests"], 1);
}

#[test]
fn emulator_rejects_bad_key_spec() {
    let output = setu_auth()
        .args(["emulator", "--key", "only-an-id"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("only-an-id"));
}

#[test]
fn login_wrong_secret_exits_3() {
    let (emulator, id, _) = emulator_with_key();

    let output = token_command(&emulator, &id, "not-the-secret", &["--flavor", "login"]);

    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid-api-key"), "{stderr}");
    assert!(stderr.contains("traceID"), "{stderr}");
}

#[test]
fn emulator_duplicate_key_exits_2() {
    let output = setu_auth()
        .args(["emulator", "--key", "same:one", "--key", "same:two"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn token_without_home_skips_file_store() {
    let (emulator, id, secret) = emulator_with_key();

    let output = setu_auth()
        .args(["token", "--base-url", &emulator.url()])
        .env("SETU_CLIENT_ID", &id)
        .env("SETU_CLIENT_SECRET", &secret)
        .env_remove("HOME")
        .env_remove("XDG_CACHE_HOME")
        .output()
        .expect("runs");

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("without the shared file store"));
}

/// A bare HTTP/1.1 GET over a TCP socket, so the test needs no HTTP client crate.
fn reqwest_free_get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};

    let address = base.strip_prefix("http://").expect("http URL");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");

    let (_, body) = response.split_once("\r\n\r\n").expect("headers end");
    body.to_owned()
}

#[test]
fn runs_share_one_token_through_the_store() {
    let (emulator, id, secret) = emulator_with_key();
    let dir = temp_dir("store");
    let dir_arg = dir.display().to_string();

    let first = token_command(&emulator, &id, &secret, &["--store-dir", &dir_arg]);
    let second = token_command(&emulator, &id, &secret, &["--store-dir", &dir_arg]);

    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(emulator.stats().token_requests, 1);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("store dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        names.iter().any(|name| name.ends_with(".token")),
        "{names:?}"
    );
    assert!(names.iter().all(|name| !name.contains(&id)), "{names:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_store_fetches_every_run() {
    let (emulator, id, secret) = emulator_with_key();

    let first = token_command(&emulator, &id, &secret, &["--no-store"]);
    let second = token_command(&emulator, &id, &secret, &["--no-store"]);

    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_ne!(first.stdout, second.stdout);
    assert_eq!(emulator.stats().token_requests, 2);
}

#[test]
fn bad_redis_url_exits_2_without_password() {
    let (emulator, id, secret) = emulator_with_key();

    let output = token_command(
        &emulator,
        &id,
        &secret,
        &["--redis-url", "http://:hunter2pw@127.0.0.1:6379"],
    );

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("redis"), "{stderr}");
    assert!(!stderr.contains("hunter2pw"), "{stderr}");
    assert_eq!(emulator.stats().token_requests, 0);
}
