//! A counter of forks, so caches kept on the binding side are dropped in a forked child.

use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

static EPOCH: AtomicU64 = AtomicU64::new(0);

/// Returns how many times this process is a forked child of a process that loaded the
/// binding. The engine rebuilds its own runtime on a change; the binding drops its copies.
#[inline]
pub fn epoch() -> u64 {
    EPOCH.load(Ordering::Relaxed)
}

/// Registers the fork handler once.
pub fn register() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(register_handler);
}

#[cfg(unix)]
fn register_handler() {
    extern "C" fn after_fork_in_child() {
        EPOCH.fetch_add(1, Ordering::Relaxed);
    }

    // SAFETY: the handler only increments an atomic, which is async-signal-safe, and the
    // function pointer stays valid for the life of the process.
    let status = unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    if status != 0 {
        tracing::warn!(target: "setu_auth", status, "failed to register the fork handler");
    }
}

#[cfg(not(unix))]
fn register_handler() {}
