//! [`Store`]: where a manager keeps its token, and so which managers share it.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use setu_auth::StoreConfig;

/// A token store. Managers with the same key and the same file or Redis store share one
/// token. Its text form never shows a Redis password.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct Store(StoreConfig);

#[uniffi::export]
impl Store {
    /// Creates the default store, the manager's own memory: every manager fetches its own
    /// token.
    #[uniffi::constructor]
    pub fn memory() -> Arc<Self> {
        Arc::new(Self(StoreConfig::Memory))
    }

    /// Creates a file store in the absolute directory `dir`, shared by the processes of this
    /// user on this host. `null`/`nil` means `$XDG_CACHE_HOME/setu-auth`, else
    /// `~/.cache/setu-auth`.
    #[uniffi::constructor]
    pub fn file(dir: Option<String>) -> Arc<Self> {
        Arc::new(Self(StoreConfig::File {
            dir: dir.map(PathBuf::from),
        }))
    }

    /// Creates a Redis store at `url` (`redis://[:password@]host[:port][/db]`, or
    /// `rediss://` for TLS), shared by many hosts. `timeout_ms` bounds the connection and
    /// each command, from 1 to 60 000 (1 000 is a good value).
    #[uniffi::constructor]
    pub fn redis(url: String, timeout_ms: u64) -> Arc<Self> {
        Arc::new(Self(StoreConfig::Redis {
            url,
            timeout: Duration::from_millis(timeout_ms),
        }))
    }

    /// Returns `memory`, `file` or `redis`.
    pub fn kind(&self) -> String {
        self.0.kind().to_owned()
    }
}

impl Store {
    pub(crate) fn engine(&self) -> StoreConfig {
        self.0.clone()
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Store::{:?}", self.0)
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}
