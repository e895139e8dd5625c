//! Benchmarks of the cached read path against the floor it cannot beat, and of a cold
//! burst of 10,000 concurrent callers.
//!
//! Run with `cargo bench -p setu-auth --bench token`.

#![allow(missing_docs)] // criterion_group! generates undocumented public functions.

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicPtr, Ordering};

use arc_swap::ArcSwap;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use setu_auth::TokenManager;
use setu_auth_emulator::{Emulator, EmulatorConfig, KeySpec};

/// The floor: one atomic load of a pointer plus one reference-count increment.
struct Floor(AtomicPtr<String>);

impl Floor {
    fn new(value: Arc<String>) -> Self {
        Self(AtomicPtr::new(Arc::into_raw(value).cast_mut()))
    }

    fn load(&self) -> Arc<String> {
        let pointer = self.0.load(Ordering::Acquire);
        // SAFETY: the pointer came from `Arc::into_raw` and that reference is never released
        // while `self` lives, so the allocation is alive and incrementing is sound.
        unsafe {
            Arc::increment_strong_count(pointer);
            Arc::from_raw(pointer)
        }
    }
}

fn emulator_with_key() -> (Emulator, String, String) {
    let emulator = Emulator::start(EmulatorConfig::default()).expect("emulator");
    let key = emulator.create_key(KeySpec::default()).expect("key");
    (emulator, key.client_id, key.secret)
}

fn manager(emulator: &Emulator, id: &str, secret: &str) -> TokenManager {
    TokenManager::builder()
        .base_url(emulator.url())
        .credentials(id, secret)
        .build()
        .expect("manager")
}

fn cached_reads(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (emulator, id, secret) = emulator_with_key();
    let manager = runtime.block_on(async { manager(&emulator, &id, &secret) });
    runtime.block_on(manager.token()).expect("token");

    let floor = Floor::new(Arc::new("token".repeat(100)));
    let swap = ArcSwap::from_pointee("token".repeat(100));

    let mut group = c.benchmark_group("cached_token");
    group.bench_function("floor_atomic_load_and_arc_clone", |b| {
        b.iter(|| black_box(floor.load()))
    });
    group.bench_function("arc_swap_load_full", |b| {
        b.iter(|| black_box(swap.load_full()))
    });
    group.bench_function("cached_token", |b| {
        b.iter(|| black_box(manager.cached_token()))
    });
    group.bench_function("token_await_ready", |b| {
        b.iter_custom(|iterations| common::awaits_per_poll(&manager, iterations))
    });
    group.finish();
}

fn cold_burst(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (emulator, id, secret) = emulator_with_key();

    let mut group = c.benchmark_group("cold_burst");
    group.sample_size(10);
    group.bench_function("10000_callers", |b| {
        b.iter_batched(
            || runtime.block_on(async { manager(&emulator, &id, &secret) }),
            |manager| {
                let before = emulator.stats().token_requests;
                runtime.block_on(burst(&manager, 10_000));
                let requests = emulator.stats().token_requests - before;
                assert_eq!(requests, 1, "a cold burst made {requests} token requests");
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

async fn burst(manager: &TokenManager, callers: usize) {
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let manager = manager.clone();
            tokio::spawn(async move { manager.token().await })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("token");
    }
}

criterion_group!(benches, cached_reads, cold_burst);
criterion_main!(benches);
