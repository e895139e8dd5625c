//! Helpers shared by the benchmarks.

use std::hint::black_box;
use std::time::{Duration, Instant};

use futures::FutureExt;
use setu_auth::TokenManager;

/// Times `iterations` calls of `token().await` inside one future polled once, so the figure
/// is the cost of the await itself rather than of setting up a poll per call.
pub fn awaits_per_poll(manager: &TokenManager, iterations: u64) -> Duration {
    #[allow(clippy::disallowed_methods)] // A benchmark times itself with the real clock.
    let started = Instant::now();
    let all = async {
        for _ in 0..iterations {
            black_box(manager.token().await.expect("cached token"));
        }
    };
    all.now_or_never()
        .expect("every call is answered from the cache");
    started.elapsed()
}
