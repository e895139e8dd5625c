//! The Redis store: entries under `setu-auth:token:<key>` with a Redis expiry, and the
//! refresh lease under `setu-auth:lease:<key>`, taken with `SET NX PX` and a random
//! fencing value and released with a compare-and-delete script.

use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::config::redact_url;
use super::{Lease, StoreError, TokenStore, fencing};
use crate::error::Error;

/// Deletes KEYS[1] only if it still holds ARGV[1].
const RELEASE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Returns the value of KEYS[1], or nil when it is longer than ARGV[1] bytes, so an
/// oversized value is never sent to this client.
const LOAD_SCRIPT: &str = r"
if redis.call('STRLEN', KEYS[1]) > tonumber(ARGV[1]) then return false end
return redis.call('GET', KEYS[1])
";

/// Deletes the entry KEYS[1] only if its token is still ARGV[1].
const REMOVE_IF_SCRIPT: &str = r"
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local ok, entry = pcall(cjson.decode, value)
if ok and type(entry) == 'table' and entry.token == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// A token store on a Redis server.
pub(crate) struct RedisStore {
    connection: ConnectionManager,
    shown_url: String,
}

impl RedisStore {
    /// Prepares a connection to `url`; it is made on first use and remade after a failure.
    pub(crate) fn open(url: &str, timeout: Duration) -> Result<Self, Error> {
        let shown_url = redact_url(url);
        let client = redis::Client::open(url)
            .map_err(|error| Error::config(format!("invalid redis url {shown_url:?}: {error}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let connection =
            ConnectionManager::new_lazy_with_config(client, config).map_err(|error| {
                Error::config(format!("cannot set up redis for {shown_url:?}: {error}"))
            })?;
        Ok(Self {
            connection,
            shown_url,
        })
    }

    fn failed(&self, action: &str, error: &redis::RedisError) -> StoreError {
        StoreError(format!(
            "redis at {} failed to {action}: {error}",
            self.shown_url
        ))
    }
}

fn token_key(key: &str) -> String {
    format!("setu-auth:token:{key}")
}

fn lease_key(key: &str) -> String {
    format!("setu-auth:lease:{key}")
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl TokenStore for RedisStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        async move {
            let mut connection = self.connection.clone();
            redis::cmd("EVAL")
                .arg(LOAD_SCRIPT)
                .arg(1)
                .arg(token_key(key))
                .arg(super::entry::MAX_ENTRY_BYTES)
                .query_async::<Option<String>>(&mut connection)
                .await
                .map_err(|error| self.failed("read the token", &error))
        }
        .boxed()
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        entry: String,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let mut connection = self.connection.clone();
            redis::cmd("SET")
                .arg(token_key(key))
                .arg(entry)
                .arg("PX")
                .arg(millis(ttl))
                .query_async::<()>(&mut connection)
                .await
                .map_err(|error| self.failed("write the token", &error))
        }
        .boxed()
    }

    fn remove_if<'a>(
        &'a self,
        key: &'a str,
        token: String,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        async move {
            let mut connection = self.connection.clone();
            redis::cmd("EVAL")
                .arg(REMOVE_IF_SCRIPT)
                .arg(1)
                .arg(token_key(key))
                .arg(token)
                .query_async::<i64>(&mut connection)
                .await
                .map(|removed| removed == 1)
                .map_err(|error| self.failed("remove the token", &error))
        }
        .boxed()
    }

    fn try_lease<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<Lease>, StoreError>> {
        async move {
            let mut connection = self.connection.clone();
            let fencing = fencing();
            let taken: Option<String> = redis::cmd("SET")
                .arg(lease_key(key))
                .arg(&fencing)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut connection)
                .await
                .map_err(|error| self.failed("take the refresh lease", &error))?;
            Ok(taken.map(|_| Lease {
                fencing,
                file: None,
            }))
        }
        .boxed()
    }

    fn release<'a>(&'a self, key: &'a str, lease: Lease) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let mut connection = self.connection.clone();
            redis::cmd("EVAL")
                .arg(RELEASE_SCRIPT)
                .arg(1)
                .arg(lease_key(key))
                .arg(&lease.fencing)
                .query_async::<i64>(&mut connection)
                .await
                .map(drop)
                .map_err(|error| self.failed("release the refresh lease", &error))
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoredToken;
    use crate::store::test_redis::RedisServer;

    fn entry(token: &str) -> String {
        StoredToken {
            v: 1,
            token: token.into(),
            lifetime_ms: 60_000,
            expires_at_ms: 1,
        }
        .encode()
    }

    #[tokio::test]
    async fn lease_is_exclusive_fenced_and_expires() {
        let redis = RedisServer::start();
        let store = RedisStore::open(&redis.url(), Duration::from_secs(1)).expect("store");
        let ttl = Duration::from_millis(300);

        let lease = store
            .try_lease("k", ttl)
            .await
            .expect("lease")
            .expect("free");
        assert!(store.try_lease("k", ttl).await.expect("busy").is_none());

        let stranger = Lease {
            fencing: fencing(),
            file: None,
        };
        store.release("k", stranger).await.expect("release");
        assert!(
            store
                .try_lease("k", ttl)
                .await
                .expect("still held")
                .is_none()
        );

        tokio::time::sleep(Duration::from_millis(400)).await;
        let second = store
            .try_lease("k", ttl)
            .await
            .expect("lease")
            .expect("expired");
        // The first holder's late release must not free the second holder's lease.
        store.release("k", lease).await.expect("late release");
        assert!(store.try_lease("k", ttl).await.expect("held").is_none());

        store.release("k", second).await.expect("release");
        assert!(store.try_lease("k", ttl).await.expect("freed").is_some());
    }

    #[tokio::test]
    async fn remove_if_compares_the_token() {
        let redis = RedisServer::start();
        let store = RedisStore::open(&redis.url(), Duration::from_secs(1)).expect("store");
        store
            .save("k", entry("tok-a"), Duration::from_secs(60))
            .await
            .expect("save");

        assert!(!store.remove_if("k", "tok-b".into()).await.expect("other"));
        assert_eq!(store.load("k").await.expect("load"), Some(entry("tok-a")));
        assert!(store.remove_if("k", "tok-a".into()).await.expect("remove"));
        assert_eq!(store.load("k").await.expect("load"), None);
    }

    #[tokio::test]
    async fn oversized_value_not_loaded() {
        let redis = RedisServer::start();
        let store = RedisStore::open(&redis.url(), Duration::from_secs(1)).expect("store");
        let huge = "x".repeat(super::super::entry::MAX_ENTRY_BYTES + 1);
        store
            .save("k", huge, Duration::from_secs(60))
            .await
            .expect("save");

        assert_eq!(store.load("k").await.expect("load"), None);
    }

    #[tokio::test]
    async fn unreachable_server_is_an_error_not_a_hang() {
        let store =
            RedisStore::open("redis://127.0.0.1:9", Duration::from_millis(200)).expect("store");

        let error = store
            .load("k")
            .await
            .expect_err("nothing listens on port 9");
        assert!(error.0.contains("127.0.0.1:9"), "{error}");
    }
}
