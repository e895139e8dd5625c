//! `setu-auth emulator`: the Setu emulator in the foreground.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use clap::Args;
use setu_auth_emulator::{Emulator, EmulatorConfig, Environment, KeySpec};

use crate::exit::USAGE;

/// Options of `setu-auth emulator`.
#[derive(Args)]
pub struct EmulatorArgs {
    /// Address to listen on: IP, or IP:PORT. Port 0, or no port, picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// Lifetime of v2 tokens, in seconds.
    #[arg(long, default_value_t = 1800)]
    token_lifetime: u64,
    /// Lifetime of login-flavour tokens, in seconds.
    #[arg(long, default_value_t = 300)]
    login_token_lifetime: u64,
    /// Environment the emulator serves: sandbox or production.
    #[arg(long, default_value = "sandbox")]
    environment: String,
    /// A key to create at start, as CLIENT_ID:SECRET or CLIENT_ID:SECRET:PRODUCT,PRODUCT.
    /// Repeat for more keys.
    #[arg(long = "key", value_name = "CLIENT_ID:SECRET[:PRODUCTS]")]
    keys: Vec<String>,
}

/// Runs the emulator until SIGINT or SIGTERM.
pub fn run(args: EmulatorArgs) -> ExitCode {
    let config = match config(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("setu-auth: {message}");
            return ExitCode::from(USAGE);
        }
    };
    let emulator = match Emulator::start(config) {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("setu-auth: failed to start the emulator: {error}");
            return ExitCode::from(USAGE);
        }
    };

    println!("listening on {}", emulator.url());
    for key in emulator.list_keys() {
        println!(
            "key {} ({}, products: {})",
            key.client_id,
            key.environment,
            key.products.join(",")
        );
    }
    let _ = std::io::stdout().flush();

    wait_for_signal();
    emulator.shutdown();
    ExitCode::SUCCESS
}

fn config(args: &EmulatorArgs) -> Result<EmulatorConfig, String> {
    if args.token_lifetime == 0 || args.login_token_lifetime == 0 {
        return Err("token lifetimes must be at least 1 second".into());
    }
    let environment: Environment = args.environment.parse().map_err(|_| {
        format!(
            "invalid --environment {:?}: use sandbox or production",
            args.environment
        )
    })?;
    let keys = args
        .keys
        .iter()
        .map(|spec| parse_key(spec))
        .collect::<Result<Vec<_>, _>>()?;

    Ok(EmulatorConfig {
        listen: parse_listen(&args.listen)?,
        environment,
        token_lifetime: args.token_lifetime,
        login_token_lifetime: args.login_token_lifetime,
        keys,
    })
}

fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    if let Ok(address) = value.parse::<SocketAddr>() {
        return Ok(address);
    }
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 0));
    }
    if value == "localhost" {
        return Ok(SocketAddr::from(([127, 0, 0, 1], 0)));
    }
    if let Some(port) = value.strip_prefix("localhost:") {
        if let Ok(port) = port.parse::<u16>() {
            return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
        }
    }
    Err(format!(
        "invalid --listen {value:?}: use an IP address with an optional port, such as 127.0.0.1:8080"
    ))
}

fn parse_key(spec: &str) -> Result<KeySpec, String> {
    let mut parts = spec.splitn(3, ':');
    let client_id = parts.next().unwrap_or_default();
    let secret = parts.next().unwrap_or_default();
    if client_id.is_empty() || secret.is_empty() {
        return Err(format!(
            "invalid --key {:?}: use CLIENT_ID:SECRET or CLIENT_ID:SECRET:PRODUCT,PRODUCT",
            client_id_only(spec)
        ));
    }
    let products = parts
        .next()
        .map(|list| {
            list.split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();

    Ok(KeySpec {
        name: client_id.to_owned(),
        client_id: Some(client_id.to_owned()),
        secret: Some(secret.to_owned()),
        products,
        ..KeySpec::default()
    })
}

/// Returns the part of a key spec before the secret, so error messages never echo it.
fn client_id_only(spec: &str) -> &str {
    spec.split(':').next().unwrap_or_default()
}

fn wait_for_signal() {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("setu-auth: failed to wait for signals: {error}; stopping");
            return;
        }
    };

    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            if let Ok(mut terminate) = signal(SignalKind::terminate()) {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
                return;
            }
        }
        let _ = tokio::signal::ctrl_c().await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_forms() {
        assert_eq!(parse_listen("127.0.0.1:8080").unwrap().port(), 8080);
        assert_eq!(parse_listen("127.0.0.1").unwrap().port(), 0);
        assert_eq!(parse_listen("localhost:9000").unwrap().port(), 9000);
        assert!(parse_listen("localhost").unwrap().ip().is_loopback());
        assert!(parse_listen("nowhere").is_err());
    }

    #[test]
    fn key_forms() {
        let key = parse_key("id-1:s3cret:prod-a,prod-b").unwrap();
        assert_eq!(key.client_id.as_deref(), Some("id-1"));
        assert_eq!(key.products, vec!["prod-a", "prod-b"]);

        let key = parse_key("id-2:pw").unwrap();
        assert!(key.products.is_empty());

        let error = parse_key("id-3").unwrap_err();
        assert!(error.contains("id-3"));
        let error = parse_key(":hidden-secret").unwrap_err();
        assert!(!error.contains("hidden-secret"));
    }
}
