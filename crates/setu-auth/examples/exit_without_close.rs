//! Fetches tokens with both managers and returns from `main` without calling `close()`.
//! The process must still exit at once: nothing the engine starts keeps it alive.

use setu_auth::{BlockingTokenManager, Config, TokenManager};
use setu_auth_emulator::{Emulator, EmulatorConfig, KeySpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig::default())?;
    let key = emulator.create_key(KeySpec::default())?;
    let mut config = Config::new(key.client_id, key.secret);
    config.base_url = Some(emulator.url());

    let blocking = BlockingTokenManager::new(config.clone())?;
    blocking.token()?;

    let runtime = tokio::runtime::Runtime::new()?;
    let manager = runtime.block_on(async { TokenManager::new(config) })?;
    runtime.block_on(manager.token())?;

    std::mem::forget(blocking);
    std::mem::forget(manager);
    std::mem::forget(runtime);
    Ok(())
}
