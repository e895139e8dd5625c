//! [`StoreConfig`]: which token store a manager shares its token through.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;

/// Where a manager keeps its token, and so which other managers share it.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum StoreConfig {
    /// The manager's own memory: every manager fetches its own token. The default.
    #[default]
    Memory,
    /// Files in a directory, shared by every process of this user on one host. Needs the
    /// `file-store` feature and a Unix system.
    File {
        /// The directory; `None` means `$XDG_CACHE_HOME/setu-auth`, else
        /// `~/.cache/setu-auth`. It is created with mode 0700.
        dir: Option<PathBuf>,
    },
    /// A Redis server shared by many hosts. Needs the `redis-store` feature.
    Redis {
        /// `redis://[:password@]host[:port][/db]`, or `rediss://` for TLS.
        url: String,
        /// Time allowed to connect and for each command. Default 1 s.
        timeout: Duration,
    },
}

impl StoreConfig {
    /// The default time allowed for each Redis command.
    pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_secs(1);

    /// Returns the file store's default directory: `$XDG_CACHE_HOME/setu-auth`, else
    /// `$HOME/.cache/setu-auth`, each only when the variable is an absolute path.
    pub fn default_file_dir() -> Option<PathBuf> {
        let absolute = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|path| path.is_absolute())
        };
        absolute("XDG_CACHE_HOME")
            .or_else(|| absolute("HOME").map(|home| home.join(".cache")))
            .map(|cache| cache.join("setu-auth"))
    }

    /// A file store in the default cache directory.
    pub fn file() -> Self {
        Self::File { dir: None }
    }

    /// A Redis store at `url` with the default timeout.
    pub fn redis(url: impl Into<String>) -> Self {
        Self::Redis {
            url: url.into(),
            timeout: Self::DEFAULT_REDIS_TIMEOUT,
        }
    }

    /// Returns `memory`, `file` or `redis`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::File { .. } => "file",
            Self::Redis { .. } => "redis",
        }
    }

    /// Checks the settings.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorCode::InvalidConfig`] naming the invalid setting and the fix, or the
    /// cargo feature the store needs.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Self::Memory => Ok(()),
            Self::File { dir } => {
                if !cfg!(all(unix, feature = "file-store")) {
                    return Err(unavailable(self));
                }
                match dir {
                    Some(dir) if dir.as_os_str().is_empty() => Err(Error::config(
                        "store dir is empty: give a directory, or None for the user's cache directory",
                    )),
                    Some(dir) if !dir.is_absolute() => Err(Error::config(format!(
                        "store dir {} is relative: give an absolute path",
                        dir.display()
                    ))),
                    _ => Ok(()),
                }
            }
            Self::Redis { url, timeout } => {
                if !cfg!(feature = "redis-store") {
                    return Err(unavailable(self));
                }
                validate_redis_url(url)?;
                if timeout.is_zero() || *timeout > Duration::from_secs(60) {
                    return Err(Error::config(format!(
                        "redis timeout {timeout:?} is out of range: use a positive duration of at most 60 s, such as 1 s"
                    )));
                }
                Ok(())
            }
        }
    }
}

fn validate_redis_url(url: &str) -> Result<(), Error> {
    let shown = redact_url(url);
    let parsed = url::Url::parse(url).map_err(|error| {
        Error::config(format!(
            "invalid redis url {shown:?}: {error}; use redis://host:6379 or rediss://host:6380"
        ))
    })?;
    if !matches!(parsed.scheme(), "redis" | "rediss") {
        return Err(Error::config(format!(
            "redis url {shown:?} has scheme {:?}: use redis:// or rediss:// (TLS)",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!(
            "redis url {shown:?} has no host: use redis://host:6379"
        )));
    }
    Ok(())
}

/// Returns `url` with its password replaced, for messages and `Debug`.
pub(crate) fn redact_url(url: &str) -> String {
    // Redis takes a password alone as the user part too (`redis://PASSWORD@host`), so any
    // user info is hidden, as plain text rather than percent-encoded.
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            let shown = parsed.to_string();
            let scheme_end = parsed.scheme().len() + 3;
            format!(
                "{}[redacted]@{}",
                &shown[..scheme_end],
                &shown[scheme_end..]
            )
        }
        Ok(_) => url.to_owned(),
        Err(_) if url.contains('@') => "[unparsable url with user info]".to_owned(),
        Err(_) => url.to_owned(),
    }
}

/// The error for a store whose cargo feature is off.
pub(crate) fn unavailable(config: &StoreConfig) -> Error {
    let (kind, feature) = match config {
        StoreConfig::Redis { .. } => ("redis", "redis-store"),
        _ => ("file", "file-store"),
    };
    Error::config(format!(
        "the {kind} token store is not built in: enable the setu-auth feature \"{feature}\"{}",
        if kind == "file" { " (Unix only)" } else { "" }
    ))
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory => f.write_str("Memory"),
            Self::File { dir } => f.debug_struct("File").field("dir", dir).finish(),
            Self::Redis { url, timeout } => f
                .debug_struct("Redis")
                .field("url", &redact_url(url))
                .field("timeout", timeout)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn redact_url_hides_any_user_info() {
        for url in [
            "redis://:hunter2pw@127.0.0.1:6379/0",
            "redis://hunter2pw@127.0.0.1:6379",
            "rediss://user:hunter2pw@redis.example",
        ] {
            let shown = redact_url(url);
            assert!(!shown.contains("hunter2pw"), "{shown}");
            assert!(shown.contains("[redacted]@"), "{shown}");
        }
        assert_eq!(
            redact_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
    }

    #[test]
    fn debug_hides_redis_password() {
        let config = StoreConfig::redis("redis://:hunter2pw@127.0.0.1:6379/0");
        let debug = format!("{config:?}");

        assert!(!debug.contains("hunter2pw"), "{debug}");
        assert!(debug.contains("127.0.0.1"), "{debug}");
    }

    #[test]
    fn invalid_settings_rejected() {
        let cases = [
            (StoreConfig::redis("http://127.0.0.1:6379"), "scheme"),
            (StoreConfig::redis("not a url"), "invalid redis url"),
            (StoreConfig::redis("redis://:hunter2pw@"), "redis url"),
            (
                StoreConfig::Redis {
                    url: "redis://127.0.0.1".into(),
                    timeout: Duration::ZERO,
                },
                "timeout",
            ),
            (
                StoreConfig::File {
                    dir: Some("relative/dir".into()),
                },
                "relative",
            ),
        ];

        for (config, expected) in cases {
            let error = config.validate().expect_err(expected);
            assert_eq!(error.code(), ErrorCode::InvalidConfig);
            assert!(error.message().contains(expected), "{error}");
            assert!(!error.message().contains("hunter2pw"), "{error}");
        }
        assert!(
            StoreConfig::redis("rediss://:pw@cache.internal:6380/2")
                .validate()
                .is_ok()
        );
        assert!(StoreConfig::file().validate().is_ok());
    }
}
