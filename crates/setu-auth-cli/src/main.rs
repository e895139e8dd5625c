//! The `setu-auth` command.

#![allow(clippy::print_stdout)] // A command-line tool writes its results to stdout.

mod demo;
mod emulator;
mod exit;
mod token;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Setu bearer tokens from the command line.
#[derive(Parser)]
#[command(name = "setu-auth", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole token loop against an in-process emulator and narrate it.
    Demo,
    /// Print a token for SETU_CLIENT_ID and SETU_CLIENT_SECRET.
    Token(token::TokenArgs),
    /// Run the Setu emulator in the foreground until interrupted.
    Emulator(emulator::EmulatorArgs),
}

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();

    match cli.command {
        Command::Demo => demo::run(),
        Command::Token(args) => token::run(args),
        Command::Emulator(args) => emulator::run(args),
    }
}

/// Sends the engine's log events to stderr when `SETU_AUTH_LOG` holds a filter such as
/// `debug` or `setu_auth=trace`; silent otherwise.
fn init_logging() {
    let Ok(filter) = std::env::var("SETU_AUTH_LOG") else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|error| {
        eprintln!("setu-auth: ignoring invalid SETU_AUTH_LOG {filter:?}: {error}");
        tracing_subscriber::EnvFilter::new("warn")
    });

    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
