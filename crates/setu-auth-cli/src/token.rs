//! `setu-auth token`: print a token for the key in the environment.
//!
//! Runs share one token through the file store by default, so a script calling the command
//! in a loop makes one token request per token lifetime, not one per call.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::UNIX_EPOCH;

use clap::Args;
use setu_auth::{
    BlockingTokenManager, Config, Environment, Error, ErrorCode, Flavor, StoreConfig, Token,
};

use crate::exit;

/// Options of `setu-auth token`.
#[derive(Args)]
pub struct TokenArgs {
    /// Setu environment: sandbox or production.
    #[arg(long, default_value = "sandbox")]
    environment: String,
    /// Base URL replacing the environment's host, such as the emulator's URL.
    #[arg(long)]
    base_url: Option<String>,
    /// Token API flavour: v2 or login.
    #[arg(long, default_value = "v2")]
    flavor: String,
    /// Product instance ID, shown with --json.
    #[arg(long)]
    product_instance_id: Option<String>,
    /// Print a JSON object with the token and its expiry instead of the bare token.
    #[arg(long)]
    json: bool,
    /// Fetch a token for this run only, instead of sharing one through the file store.
    #[arg(long, conflicts_with_all = ["store_dir", "redis_url"])]
    no_store: bool,
    /// Directory of the file store shared by runs on this host [default:
    /// $XDG_CACHE_HOME/setu-auth or ~/.cache/setu-auth].
    #[arg(long, value_name = "DIR", conflicts_with = "redis_url")]
    store_dir: Option<PathBuf>,
    /// Share the token through Redis instead, such as redis://127.0.0.1:6379 or
    /// rediss://:PASSWORD@host:6380 for TLS.
    #[arg(
        long,
        value_name = "URL",
        env = "SETU_AUTH_REDIS_URL",
        hide_env_values = true
    )]
    redis_url: Option<String>,
}

impl TokenArgs {
    /// The token store the options select: the file store unless told otherwise.
    fn store(&self) -> Result<StoreConfig, Error> {
        if self.no_store {
            return Ok(StoreConfig::Memory);
        }
        if let Some(url) = &self.redis_url {
            return Ok(StoreConfig::redis(url.clone()));
        }
        let dir = match &self.store_dir {
            Some(dir) => Some(std::path::absolute(dir).map_err(|error| {
                Error::new(
                    ErrorCode::InvalidConfig,
                    format!("invalid --store-dir {}: {error}", dir.display()),
                )
            })?),
            None if StoreConfig::default_file_dir().is_none() => {
                eprintln!(
                    "setu-auth: neither XDG_CACHE_HOME nor HOME is an absolute path; \
                     fetching without the shared file store"
                );
                return Ok(StoreConfig::Memory);
            }
            None => None,
        };
        Ok(StoreConfig::File { dir })
    }
}

/// Runs `setu-auth token`.
pub fn run(args: TokenArgs) -> ExitCode {
    match fetch(&args) {
        Ok(token) => {
            println!("{}", render(&token, &args));
            ExitCode::SUCCESS
        }
        Err(error) => exit::fail(&error),
    }
}

fn fetch(args: &TokenArgs) -> Result<Token, Error> {
    let client_id = required_env("SETU_CLIENT_ID")?;
    let secret = required_env("SETU_CLIENT_SECRET")?;

    let mut config = Config::new(client_id, secret);
    config.environment = args.environment.parse::<Environment>()?;
    config.flavor = args.flavor.parse::<Flavor>()?;
    config.base_url = args.base_url.clone();
    config.product_instance_id = args.product_instance_id.clone();
    config.store = args.store()?;

    let manager = BlockingTokenManager::new(config)?;
    let token = manager.token();
    manager.close();
    token
}

fn required_env(name: &str) -> Result<String, Error> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(Error::new(
            ErrorCode::InvalidConfig,
            format!("{name} is not set or empty: export your Setu API key's value in it"),
        )),
    }
}

fn render(token: &Token, args: &TokenArgs) -> String {
    if !args.json {
        return token.as_str().to_owned();
    }

    let expires_at = token
        .expires_at()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or_default();
    serde_json::json!({
        "token": token.as_str(),
        "token_type": "Bearer",
        "expires_in": token.lifetime().as_secs(),
        "expires_at": expires_at,
        "product_instance_id": args.product_instance_id,
    })
    .to_string()
}
