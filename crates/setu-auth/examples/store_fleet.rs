//! Counts token requests for a fleet of worker processes, with and without a shared store:
//! starts an emulator (10 s tokens) and a throwaway `redis-server`, runs `PROCESSES` copies
//! of `store_worker` for 9 s each, and prints one JSON line per store.
//!
//! Usage: `store_fleet PROCESSES` (after `cargo build -p setu-auth --examples`).

#[path = "../tests/common/redis.rs"]
#[allow(dead_code)]
mod redis;

use std::process::{Command, Stdio};

use setu_auth_emulator::{Emulator, EmulatorConfig, KeySpec};

/// Token lifetime in the emulator; workers run 9 s, so one refresh falls inside the run.
const LIFETIME_SECS: u64 = 10;
const RUN_MS: &str = "9000";

fn main() -> Result<(), String> {
    let processes: usize = std::env::args()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .ok_or("usage: store_fleet PROCESSES")?;
    let server = redis::RedisServer::start();
    let dir = std::env::temp_dir().join(format!("setu-auth-fleet-{}", std::process::id()));
    let stores = [
        "memory".to_owned(),
        format!("file:{}", dir.display()),
        format!("redis:{}", server.url()),
    ];

    for store in stores {
        let requests = run_fleet(processes, &store)?;
        let kind = store.split(':').next().unwrap_or_default();
        let line = format!(
            "{{\"processes\":{processes},\"store\":\"{kind}\",\"token_requests\":{requests},\"lifetime_s\":{LIFETIME_SECS},\"run_ms\":{RUN_MS}}}\n"
        );
        std::io::Write::write_all(&mut std::io::stdout(), line.as_bytes())
            .map_err(|error| error.to_string())?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn run_fleet(processes: usize, store: &str) -> Result<u64, String> {
    let emulator = Emulator::start(EmulatorConfig {
        token_lifetime: LIFETIME_SECS,
        ..EmulatorConfig::default()
    })
    .map_err(|error| error.to_string())?;
    let key = emulator
        .create_key(KeySpec::default())
        .map_err(|error| error.to_string())?;
    let program = std::env::current_exe()
        .map_err(|error| error.to_string())?
        .with_file_name("store_worker");

    let children = (0..processes)
        .map(|_| {
            Command::new(&program)
                .args([&emulator.url(), &key.client_id, &key.secret, store, RUN_MS])
                .stdout(Stdio::null())
                .spawn()
                .map_err(|error| format!("cannot run {}: {error}", program.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for mut child in children {
        let status = child.wait().map_err(|error| error.to_string())?;
        if !status.success() {
            return Err(format!("a worker failed: {status}"));
        }
    }
    Ok(emulator.stats().token_requests)
}
