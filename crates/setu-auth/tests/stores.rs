//! Shared token stores across real processes: one token request per expiry for a group of
//! workers, a dead lease holder blocks nobody past its lease, and a store outage fails no
//! caller.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::Setup;
use common::redis::RedisServer;
use serde_json::Value;
use setu_auth::{Clock, StoreConfig};
use setu_auth_emulator::{Fault, FaultAction};

const WORKERS: usize = 8;

/// Lease of the workers: their 3 s request timeout plus 1 s.
const LEASE: Duration = Duration::from_secs(4);

fn worker_program() -> PathBuf {
    std::env::current_exe()
        .expect("test binary path")
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target folder")
        .join("examples")
        .join("store_worker")
}

fn spawn_worker(setup: &Setup, store: &str, run: Duration) -> Child {
    let program = worker_program();
    Command::new(&program)
        .arg(setup.emulator.url())
        .arg(&setup.key.client_id)
        .arg(&setup.key.secret)
        .arg(store)
        .arg(run.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", program.display()))
}

/// Waits for a worker and returns its report.
fn report(child: Child) -> Value {
    let output = child.wait_with_output().expect("worker output");
    assert!(output.status.success(), "worker failed: {}", output.status);
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|_| panic!("bad worker report {text:?}"))
}

fn run_workers(setup: &Setup, store: &str, count: usize, run: Duration) -> Vec<Value> {
    let children: Vec<Child> = (0..count)
        .map(|_| spawn_worker(setup, store, run))
        .collect();
    children.into_iter().map(report).collect()
}

fn assert_all_served(reports: &[Value]) {
    for report in reports {
        assert_eq!(report["err"], 0, "a caller failed: {report}");
        assert!(report["ok"].as_u64().unwrap_or(0) > 0, "{report}");
    }
}

static NEXT_DIR: AtomicU64 = AtomicU64::new(0);

fn temp_store_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "setu-auth-stores-{name}-{}-{}",
        std::process::id(),
        NEXT_DIR.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Eight workers share one token for a 4 s lifetime: one request at start, one at the
/// refresh point (about 3 s), none more before the workers stop at 4.5 s.
fn one_request_per_expiry(store: &str) {
    let setup = Setup::with_lifetime(4);

    let reports = run_workers(&setup, store, WORKERS, Duration::from_millis(4500));

    assert_all_served(&reports);
    assert_eq!(setup.requests(), 2, "reports: {reports:?}");
}

#[test]
fn file_store_one_request_per_expiry() {
    let dir = temp_store_dir("expiry");
    one_request_per_expiry(&format!("file:{}", dir.display()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn redis_store_one_request_per_expiry() {
    let redis = RedisServer::start();
    one_request_per_expiry(&format!("redis:{}", redis.url()));
}

#[test]
fn memory_store_one_request_per_process() {
    let setup = Setup::with_lifetime(1800);

    let reports = run_workers(&setup, "memory", WORKERS, Duration::from_millis(300));

    assert_all_served(&reports);
    assert_eq!(setup.requests(), WORKERS as u64);
}

/// The first worker takes the lease and hangs in its request; it is killed, and the others
/// get a token within the lease time with one more request.
fn killed_holder_blocks_nobody(store: &str) -> Vec<Value> {
    let setup = Setup::with_lifetime(1800);
    setup
        .emulator
        .push_fault(Fault::new(FaultAction::Delay).with_delay(Duration::from_secs(60)));

    let mut holder = spawn_worker(&setup, store, Duration::from_secs(60));
    let clock = Clock::system();
    let started = clock.now();
    while setup.requests() == 0 {
        let waited = clock.now().saturating_sub(started);
        assert!(
            waited < Duration::from_secs(10),
            "the holder sent no request"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let waiters: Vec<Child> = (1..WORKERS)
        .map(|_| spawn_worker(&setup, store, Duration::from_secs(2 * LEASE.as_secs() + 1)))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    holder.kill().expect("kill the lease holder");
    let _ = holder.wait();

    let reports: Vec<Value> = waiters.into_iter().map(report).collect();
    assert_all_served(&reports);
    assert_eq!(setup.requests(), 2, "reports: {reports:?}");
    reports
}

#[test]
fn file_store_killed_holder_blocks_nobody() {
    let dir = temp_store_dir("kill");
    let reports = killed_holder_blocks_nobody(&format!("file:{}", dir.display()));

    // The kernel drops the lock with the process, so nobody waits for the lease time.
    for report in reports {
        let first = report["first_ms"].as_u64().expect("first_ms");
        assert!(first < LEASE.as_millis() as u64, "{report}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn redis_store_killed_holder_blocks_nobody() {
    let redis = RedisServer::start();
    let reports = killed_holder_blocks_nobody(&format!("redis:{}", redis.url()));

    // The lease lapses at most LEASE after the holder took it, which was before the
    // waiters started; waiting out 2 * LEASE would mean the lease was not honoured.
    for report in reports {
        let first = report["first_ms"].as_u64().expect("first_ms");
        assert!(first < LEASE.as_millis() as u64 + 1000, "{report}");
    }
}

#[test]
fn redis_outage_fails_no_caller() {
    let mut redis = RedisServer::start();
    let setup = Setup::with_lifetime(4);
    let store = format!("redis:{}", redis.url());

    let children: Vec<Child> = (0..WORKERS)
        .map(|_| spawn_worker(&setup, &store, Duration::from_millis(4500)))
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    redis.stop();
    let reports: Vec<Value> = children.into_iter().map(report).collect();

    assert_all_served(&reports);
    // Before the outage the workers shared one token; after it, each renewed its own.
    assert!(setup.requests() >= 2, "reports: {reports:?}");
    assert!(
        setup.requests() <= 1 + WORKERS as u64,
        "reports: {reports:?}"
    );
}

/// A 401 in one manager removes the shared token for all, and the next token is fetched
/// once, not once per manager.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidate_is_shared_and_refreshes_once() {
    let redis = RedisServer::start();
    let setup = Setup::new();
    let build = || {
        setup
            .builder()
            .store(StoreConfig::redis(redis.url()))
            .build()
            .expect("manager")
    };
    let (first, second) = (build(), build());

    let token = first.token().await.expect("token");
    assert_eq!(second.token().await.expect("shared token"), token);
    assert_eq!(setup.requests(), 1);

    assert!(first.invalidate(token.as_str()));
    assert!(second.invalidate(token.as_str()));
    let renewed = second.token().await.expect("renewed");
    let again = first.token().await.expect("renewed, shared");

    assert_ne!(renewed, token);
    assert_eq!(again, renewed);
    assert_eq!(setup.requests(), 2);
}

#[tokio::test]
async fn garbage_in_the_store_is_replaced() {
    let dir = temp_store_dir("garbage");
    let setup = Setup::new();
    let manager = setup
        .builder()
        .store(StoreConfig::File {
            dir: Some(dir.clone()),
        })
        .build()
        .expect("manager");
    let token = manager.token().await.expect("token");
    let file = std::fs::read_dir(&dir)
        .expect("store dir")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "token"))
        .expect("a token file");
    let stored = std::fs::read_to_string(&file).expect("read entry");
    assert!(stored.contains(token.as_str()));
    assert!(
        !stored.contains(&setup.key.secret),
        "the secret must never be stored"
    );
    std::fs::write(&file, "{not json").expect("corrupt the entry");

    let other = setup
        .builder()
        .store(StoreConfig::File {
            dir: Some(dir.clone()),
        })
        .build()
        .expect("manager");
    other.token().await.expect("token despite garbage");

    assert_eq!(setup.requests(), 2);
    let rewritten = std::fs::read_to_string(&file).expect("read entry");
    assert!(rewritten.starts_with('{') && rewritten.contains("\"v\":1"));
    let _ = std::fs::remove_dir_all(&dir);
}
