//! The cost of a cached read with each token store. Cached reads stay in the manager's
//! memory whatever the store, so the three figures should match.
//!
//! Run with `cargo bench -p setu-auth --bench stores`; needs `redis-server` on the PATH.

#![allow(missing_docs)] // criterion_group! generates undocumented public functions.

mod common;

#[path = "../tests/common/redis.rs"]
#[allow(dead_code)]
mod redis;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use setu_auth::{StoreConfig, TokenManager};
use setu_auth_emulator::{Emulator, EmulatorConfig, KeySpec};

fn manager(emulator: &Emulator, id: &str, secret: &str, store: StoreConfig) -> TokenManager {
    TokenManager::builder()
        .base_url(emulator.url())
        .credentials(id, secret)
        .store(store)
        .build()
        .expect("manager")
}

fn cached_reads_per_store(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let emulator = Emulator::start(EmulatorConfig::default()).expect("emulator");
    let key = emulator.create_key(KeySpec::default()).expect("key");
    let server = redis::RedisServer::start();
    let dir = std::env::temp_dir().join(format!("setu-auth-bench-{}", std::process::id()));
    let stores = [
        ("memory", StoreConfig::Memory),
        (
            "file",
            StoreConfig::File {
                dir: Some(dir.clone()),
            },
        ),
        ("redis", StoreConfig::redis(server.url())),
    ];

    let mut group = c.benchmark_group("cached_token_by_store");
    for (name, store) in stores {
        let manager =
            runtime.block_on(async { manager(&emulator, &key.client_id, &key.secret, store) });
        runtime.block_on(manager.token()).expect("token");

        group.bench_function(format!("{name}/cached_token"), |b| {
            b.iter(|| black_box(manager.cached_token()))
        });
        group.bench_function(format!("{name}/token_await_ready"), |b| {
            b.iter_custom(|iterations| common::awaits_per_poll(&manager, iterations))
        });
        manager.close();
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, cached_reads_per_store);
criterion_main!(benches);
