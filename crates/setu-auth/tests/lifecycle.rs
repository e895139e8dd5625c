//! Closing and dropping managers, and the blocking facade.

mod common;

use std::time::Duration;

use common::{Setup, eventually, settle, within};
use setu_auth::{BlockingTokenManager, Config, ErrorCode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_stops_background_work() {
    let setup = Setup::with_lifetime(300);
    let (manager, clock) = setup.manual();
    within(manager.token()).await.expect("token");
    eventually("refresher sleeping", || clock.sleepers() == 1).await;

    manager.close();
    manager.close();
    eventually("refresher stopped", || clock.sleepers() == 0).await;
    clock.advance(Duration::from_secs(600));
    settle().await;

    assert_eq!(setup.requests(), 1);
    assert!(manager.is_closed());
    let error = within(manager.token()).await.expect_err("closed");
    assert_eq!(error.code(), ErrorCode::Closed);
    assert!(manager.cached_token().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_last_handle_stops_background_work() {
    let setup = Setup::with_lifetime(300);
    let (manager, clock) = setup.manual();
    let clone = manager.clone();
    within(manager.token()).await.expect("token");
    eventually("refresher sleeping", || clock.sleepers() == 1).await;

    drop(manager);
    settle().await;
    assert_eq!(clock.sleepers(), 1, "a clone is still alive");

    drop(clone);
    eventually("refresher stopped", || clock.sleepers() == 0).await;
    clock.advance(Duration::from_secs(600));
    settle().await;
    assert_eq!(setup.requests(), 1);
}

fn blocking_config(setup: &Setup) -> Config {
    let mut config = Config::new(setup.key.client_id.clone(), setup.key.secret.clone());
    config.base_url = Some(setup.emulator.url());
    config
}

#[test]
fn blocking_facade_works_without_runtime() {
    let setup = Setup::new();
    let manager = BlockingTokenManager::new(blocking_config(&setup)).expect("manager");

    let first = manager.token().expect("token");
    assert_eq!(manager.token().expect("cached"), first);
    assert_eq!(manager.auth_header().expect("header"), first.bearer());
    assert!(manager.invalidate(first.as_str()));
    let second = manager.token().expect("new token");
    let third = manager.refresh().expect("refreshed");

    assert_ne!(first, second);
    assert_ne!(second, third);
    assert_eq!(setup.requests(), 3);
    assert_eq!(manager.stats().invalidations, 1);

    manager.close();
    assert_eq!(
        manager.token().expect_err("closed").code(),
        ErrorCode::Closed
    );
}

#[test]
fn blocking_facade_swaps_credentials() {
    let setup = Setup::new();
    let manager = BlockingTokenManager::new(blocking_config(&setup)).expect("manager");
    manager.token().expect("token");
    let fresh = setup
        .emulator
        .regenerate_key(&setup.key.client_id)
        .expect("regenerated");

    manager
        .set_credentials(fresh.client_id.clone(), fresh.secret.clone())
        .expect("swapped");

    let token = manager.token().expect("token");
    assert_eq!(common::client_id_claim(token.as_str()), fresh.client_id);
    assert_eq!(manager.client_id(), fresh.client_id);
}

#[test]
fn blocking_call_inside_runtime_fails_cleanly() {
    let setup = Setup::new();
    let manager = BlockingTokenManager::new(blocking_config(&setup)).expect("manager");
    let runtime = manager.runtime().expect("runtime");

    let error = runtime
        .block_on(async { tokio::spawn(async move { manager.token() }).await })
        .expect("task")
        .expect_err("refused");

    assert_eq!(error.code(), ErrorCode::BlockingInRuntime);
    assert_eq!(setup.requests(), 0);
}

#[test]
fn blocking_facade_rejects_bad_config() {
    let mut config = Config::new("client", "secret");
    config.base_url = Some("http://10.1.2.3".into());

    let error = BlockingTokenManager::new(config).expect_err("plain http");

    assert_eq!(error.code(), ErrorCode::InvalidConfig);
}

#[test]
fn process_exits_without_close() {
    let examples = std::env::current_exe()
        .expect("test binary path")
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target folder")
        .join("examples");
    let program = examples.join("exit_without_close");
    let mut child = std::process::Command::new(&program)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", program.display()));

    for _ in 0..200 {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "exit status {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the process did not exit within 10 s");
}

#[test]
fn blocking_call_from_other_runtime_works() {
    let setup = Setup::new();
    let manager = BlockingTokenManager::new(blocking_config(&setup)).expect("manager");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let token = runtime.block_on(async { manager.token() }).expect("token");
    let cached = runtime.block_on(async { manager.token() }).expect("cached");

    assert_eq!(token, cached);
    assert_eq!(setup.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_releases_waiting_callers() {
    let setup = Setup::new();
    setup.emulator.push_fault(setu_auth_emulator::Fault {
        delay: Duration::from_secs(8),
        ..setu_auth_emulator::Fault::new(setu_auth_emulator::FaultAction::Delay)
    });
    let manager = setup.manager();
    let waiting = tokio::spawn({
        let manager = manager.clone();
        async move { manager.token().await }
    });
    eventually("request sent", || setup.requests() == 1).await;

    manager.close();
    let result = tokio::time::timeout(Duration::from_secs(2), waiting)
        .await
        .expect("released well before the 8 s response")
        .expect("task");

    assert_eq!(result.expect_err("closed").code(), ErrorCode::Closed);
}
