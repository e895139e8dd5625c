//! The error type of the emulator's Rust API.

use std::net::SocketAddr;
use std::sync::Arc;

/// Error returned by the emulator's Rust API and reported by its admin HTTP API.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listen address could not be bound.
    #[error(
        "failed to bind the emulator to {addr}: {source}; pass a free address, such as 127.0.0.1:0"
    )]
    Bind {
        /// Address that was requested.
        addr: SocketAddr,
        /// Error from the operating system.
        #[source]
        source: Arc<std::io::Error>,
    },

    /// The server thread or its runtime could not be started.
    #[error("failed to start the emulator's server thread: {source}")]
    Startup {
        /// Error from the operating system or the runtime.
        #[source]
        source: Arc<std::io::Error>,
    },

    /// The RSA signing key could not be generated.
    #[error("failed to generate the emulator's RSA signing key: {message}")]
    SigningKey {
        /// Description of the failure from the `rsa` crate.
        message: String,
    },

    /// No API key has the given clientID.
    #[error(
        "unknown clientID {client_id:?}: no API key has it; list the keys to see valid clientIDs"
    )]
    UnknownClientId {
        /// The clientID that was not found.
        client_id: String,
    },

    /// An API key with the given clientID already exists.
    #[error(
        "clientID {client_id:?} is already in use; pick another clientID or leave it unset to get a random one"
    )]
    DuplicateClientId {
        /// The clientID that is taken.
        client_id: String,
    },

    /// A token lifetime is out of range.
    #[error("invalid token lifetime {seconds} s: pass a value from 1 to {max} seconds")]
    InvalidLifetime {
        /// The rejected lifetime in seconds.
        seconds: u64,
        /// Largest accepted lifetime in seconds.
        max: u64,
    },

    /// A clock skew is out of range.
    #[error("invalid clock skew {seconds} s: pass a value from -{max} to {max} seconds")]
    InvalidClockSkew {
        /// The rejected skew in seconds.
        seconds: i64,
        /// Largest accepted skew in either direction, in seconds.
        max: i64,
    },

    /// An environment name is neither `sandbox` nor `production`.
    #[error("invalid environment {value:?}: use \"sandbox\" or \"production\"")]
    InvalidEnvironment {
        /// The rejected name.
        value: String,
    },

    /// A field of a key specification is invalid.
    #[error("invalid {field}: {reason}")]
    InvalidKeySpec {
        /// Name of the field, as in the admin API's JSON.
        field: &'static str,
        /// Sentence that names the problem and the fix.
        reason: String,
    },
}

impl EmulatorError {
    /// Wraps a startup I/O error.
    pub(crate) fn startup(source: std::io::Error) -> Self {
        Self::Startup {
            source: Arc::new(source),
        }
    }
}
