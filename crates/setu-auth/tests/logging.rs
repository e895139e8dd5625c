//! Log events name the client and the failure but never carry the secret or a token.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Setup, within};
use setu_auth_emulator::{Fault, FaultAction, FaultTarget};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("capture lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_never_contain_secrets() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let setup = Setup::new();
    setup.emulator.push_fault(Fault {
        times: 1,
        target: FaultTarget::Any,
        action: FaultAction::Respond {
            status: 503,
            headers: vec![],
            body: None,
        },
        delay: Duration::ZERO,
    });
    let manager = setup.manager();
    let error = within(manager.token()).await.expect_err("503");
    let token = within(manager.token()).await.expect("token");
    manager.invalidate(token.as_str());
    within(manager.refresh()).await.expect("refreshed");

    let logs = String::from_utf8(capture.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(logs.contains(&setup.key.client_id), "{logs}");
    assert!(logs.contains("token request failed"), "{logs}");
    assert!(logs.contains(error.trace_id().expect("trace id")), "{logs}");
    assert!(!logs.contains(&setup.key.secret), "{logs}");
    assert!(!logs.contains(token.as_str()), "{logs}");
    assert!(!format!("{manager:?} {token:?} {error:?}").contains(&setup.key.secret));
}
