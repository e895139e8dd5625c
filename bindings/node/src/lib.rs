//! Node.js binding of the setu-auth token engine.
//!
//! This crate is the native half of the `setu-auth` npm package. It converts types between
//! JavaScript and the engine and runs the engine on its own tokio runtime; the package's
//! JavaScript entry adds the error class, the HTTP integrations and the event emitter.

mod emulator;
mod error;
mod events;
mod manager;
mod options;
mod runtime;

pub use emulator::Emulator;
pub use events::{subscribe_events, unsubscribe_events};
pub use manager::TokenManager;
