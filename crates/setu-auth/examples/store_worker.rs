//! One worker process of the shared-store tests: builds a manager on a shared store, asks
//! for a token every 25 ms for a while, then prints one JSON line with what it saw.
//!
//! Usage: `store_worker BASE_URL CLIENT_ID SECRET STORE RUN_MS`, where `STORE` is
//! `memory`, `file:DIR` or `redis:URL`.

use std::collections::HashSet;
use std::time::Duration;

use setu_auth::{Clock, StoreConfig, TokenManager};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base_url, client_id, secret, store, run_ms] = args.as_slice() else {
        return Err("usage: store_worker BASE_URL CLIENT_ID SECRET STORE RUN_MS".into());
    };
    let run = Duration::from_millis(run_ms.parse().map_err(|_| "RUN_MS is not a number")?);

    let manager = TokenManager::builder()
        .base_url(base_url.as_str())
        .credentials(client_id.as_str(), secret.as_str())
        .request_timeout(Duration::from_secs(3))
        .store(parse_store(store)?)
        .build()
        .map_err(|error| error.to_string())?;

    let report = work(&manager, run).await;
    manager.close();
    let line = serde_json::json!({
        "first_ms": report.first_ms,
        "ok": report.ok,
        "err": report.err,
        "distinct": report.distinct.len(),
        "requests": manager.stats().token_requests,
    });
    std::io::Write::write_all(&mut std::io::stdout(), format!("{line}\n").as_bytes())
        .map_err(|error| error.to_string())
}

fn parse_store(text: &str) -> Result<StoreConfig, String> {
    if text == "memory" {
        return Ok(StoreConfig::Memory);
    }
    if let Some(dir) = text.strip_prefix("file:") {
        return Ok(StoreConfig::File {
            dir: Some(dir.into()),
        });
    }
    if let Some(url) = text.strip_prefix("redis:") {
        return Ok(StoreConfig::Redis {
            url: url.to_owned(),
            timeout: Duration::from_millis(300),
        });
    }
    Err(format!(
        "unknown store {text:?}: use memory, file:DIR or redis:URL"
    ))
}

#[derive(Default)]
struct Report {
    first_ms: Option<u128>,
    ok: u64,
    err: u64,
    distinct: HashSet<String>,
}

async fn work(manager: &TokenManager, run: Duration) -> Report {
    let clock = Clock::system();
    let started = clock.now();
    let elapsed = || clock.now().saturating_sub(started);
    let mut report = Report::default();

    while elapsed() < run {
        match manager.token().await {
            Ok(token) => {
                report.first_ms.get_or_insert(elapsed().as_millis());
                report.ok += 1;
                report.distinct.insert(token.as_str().to_owned());
            }
            Err(error) => {
                report.err += 1;
                eprintln!("token failed: {error}");
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    report
}
