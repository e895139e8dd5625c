//! Token stores: where a manager keeps the token it shares with other processes.
//!
//! The in-memory store is the manager's own cache slot and needs no object here. The file
//! and Redis stores implement [`TokenStore`]; the manager reads them only on a local cache
//! miss or at the refresh point, so cached reads never touch them.

mod config;
mod entry;
#[cfg(all(unix, feature = "file-store"))]
mod file;
mod key;
#[cfg(feature = "redis-store")]
mod redis;
#[cfg(all(test, feature = "redis-store"))]
#[path = "../../tests/common/redis.rs"]
#[allow(dead_code)]
mod test_redis;

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;

pub use config::StoreConfig;
pub(crate) use entry::StoredToken;
pub(crate) use key::store_key;

/// How long the lease of a store is held at most, past the token request's own timeout.
const LEASE_SLACK: Duration = Duration::from_secs(1);

/// A failure of a store: unreachable, refused, or a file it cannot use. It never reaches a
/// caller; the manager logs it and works from its own cache.
#[derive(Debug)]
pub(crate) struct StoreError(pub(crate) String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Proof of holding the right to fetch the shared token for a while. Dropping it without
/// [`TokenStore::release`] is safe: a file lock ends with its descriptor, a Redis lease
/// expires on its own.
#[cfg_attr(
    not(any(feature = "file-store", feature = "redis-store")),
    allow(dead_code)
)]
pub(crate) struct Lease {
    /// The random value that only this holder knows, so it cannot release another's lease.
    pub(crate) fencing: String,
    /// The locked file of the file store.
    #[allow(dead_code)]
    pub(crate) file: Option<std::fs::File>,
}

/// A place shared by several managers, usually in several processes, that holds one token
/// per store key and a short lease on refreshing it.
pub(crate) trait TokenStore: Send + Sync + 'static {
    /// Returns the entry under `key`, as written, or `None` when there is none.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>>;

    /// Writes `entry` under `key`; it may be dropped by the store after `ttl`.
    fn save<'a>(
        &'a self,
        key: &'a str,
        entry: String,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Removes the entry under `key` only if it still holds `token`. Returns whether it did.
    fn remove_if<'a>(
        &'a self,
        key: &'a str,
        token: String,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Takes the refresh lease of `key` for at most `ttl`, or returns `None` when another
    /// holder has it.
    fn try_lease<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<Lease>, StoreError>>;

    /// Gives the lease back, if it is still this holder's.
    fn release<'a>(&'a self, key: &'a str, lease: Lease) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// Opens the store `config` describes; `None` for the in-memory store.
///
/// Must run inside a tokio runtime: the Redis store spawns its connection task there.
pub(crate) fn open(config: &StoreConfig) -> Result<Option<Box<dyn TokenStore>>, crate::Error> {
    match config {
        StoreConfig::Memory => Ok(None),
        #[cfg(all(unix, feature = "file-store"))]
        StoreConfig::File { dir } => Ok(Some(Box::new(file::FileStore::open(dir.as_deref())?))),
        #[cfg(feature = "redis-store")]
        StoreConfig::Redis { url, timeout } => {
            Ok(Some(Box::new(redis::RedisStore::open(url, *timeout)?)))
        }
        #[allow(unreachable_patterns)]
        other => Err(config::unavailable(other)),
    }
}

/// The lease time for a token request allowed `request_timeout`.
pub(crate) fn lease_time(request_timeout: Duration) -> Duration {
    request_timeout + LEASE_SLACK
}

/// Returns a random fencing value for a lease.
#[cfg_attr(
    not(any(feature = "file-store", feature = "redis-store")),
    allow(dead_code)
)]
pub(crate) fn fencing() -> String {
    use rand::Rng;

    let bytes: [u8; 16] = rand::thread_rng().r#gen();
    key::hex(&bytes)
}
