//! The file store: one JSON file per store key in a private directory, shared by the
//! processes of one user on one host.
//!
//! Entries are replaced atomically (a temporary file renamed over the old one), so readers
//! take no lock. Writers and compare-and-delete serialise on `<key>.write`; the refresh
//! lease is an exclusive `flock` on `<key>.lease`, which the kernel drops when its holder
//! exits or dies.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;

use super::{Lease, StoreConfig, StoreError, StoredToken, TokenStore, fencing};
use crate::error::Error;

/// Permission bits that no file of the store may grant to others.
const PRIVATE_MASK: u32 = 0o077;

/// Flags for every open: never follow a symbolic link planted in the directory, and never
/// block on a FIFO or device put in place of an entry.
const SAFE_OPEN_FLAGS: i32 = libc::O_NOFOLLOW | libc::O_NONBLOCK;

/// Longest wait for another process's write lock.
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// Pause between two tries of a busy write lock.
const LOCK_POLL: Duration = Duration::from_millis(10);

/// A token store in a directory.
pub(crate) struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// Opens the store in `dir`, or in the user's cache directory. The directory is
    /// created on first use.
    pub(crate) fn open(dir: Option<&Path>) -> Result<Self, Error> {
        let dir = match dir {
            Some(dir) => dir.to_owned(),
            None => StoreConfig::default_file_dir().ok_or_else(|| {
                Error::config(
                    "no cache directory for the file token store: set XDG_CACHE_HOME or HOME, \
                     or give the store a directory",
                )
            })?,
        };
        Ok(Self { dir })
    }

    fn path(&self, key: &str, suffix: &str) -> PathBuf {
        self.dir.join(format!("{key}.{suffix}"))
    }

    /// Creates the directory if needed and checks that only this user can use it.
    fn ready_dir(&self) -> Result<(), StoreError> {
        match DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
        {
            Ok(()) => {}
            Err(error) => return Err(io_error("create", &self.dir, &error)),
        }
        let meta =
            fs::symlink_metadata(&self.dir).map_err(|e| io_error("inspect", &self.dir, &e))?;
        if !meta.is_dir() {
            return Err(StoreError(format!(
                "{} is not a directory (a symbolic link?); ignoring the store",
                self.dir.display()
            )));
        }
        check_private(&meta, &self.dir, 0o022)
    }

    fn load_blocking(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.ready_dir()?;
        let path = self.path(key, "token");
        let opened = OpenOptions::new()
            .read(true)
            .custom_flags(SAFE_OPEN_FLAGS)
            .open(&path);
        let file = match opened {
            Ok(file) => file,
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io_error("open", &path, &error)),
        };
        let meta = file
            .metadata()
            .map_err(|e| io_error("inspect", &path, &e))?;
        check_regular(&meta, &path)?;
        check_private(&meta, &path, PRIVATE_MASK)?;

        let mut text = String::new();
        file.take(64 * 1024 + 1)
            .read_to_string(&mut text)
            .map_err(|e| io_error("read", &path, &e))?;
        Ok(Some(text))
    }

    fn save_blocking(&self, key: &str, entry: &str) -> Result<(), StoreError> {
        self.ready_dir()?;
        let _write = self.lock_bounded(key, "write")?;
        let path = self.path(key, "token");
        let temp = self.path(key, &format!("tmp.{}.{}", std::process::id(), fencing()));

        let written = write_private(&temp, entry)
            .and_then(|()| fs::rename(&temp, &path).map_err(|e| io_error("replace", &path, &e)));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }

    fn remove_if_blocking(&self, key: &str, token: &str) -> Result<bool, StoreError> {
        self.ready_dir()?;
        let _write = self.lock_bounded(key, "write")?;
        let Some(text) = self.load_blocking(key)? else {
            return Ok(false);
        };
        let holds = StoredToken::decode(&text).is_ok_and(|entry| entry.token == token);
        if !holds {
            return Ok(false);
        }

        let path = self.path(key, "token");
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(false),
            Err(error) => Err(io_error("remove", &path, &error)),
        }
    }

    fn try_lease_blocking(&self, key: &str) -> Result<Option<Lease>, StoreError> {
        self.ready_dir()?;
        match self.lock(key, "lease", libc::LOCK_EX | libc::LOCK_NB) {
            Ok(file) => Ok(Some(Lease {
                fencing: fencing(),
                file: Some(file),
            })),
            Err(LockError::Busy) => Ok(None),
            Err(LockError::Failed(error)) => Err(error),
        }
    }

    /// Takes the exclusive lock on `<key>.<suffix>`, waiting at most [`LOCK_WAIT`] for a
    /// holder to let go, so a stopped or hung process cannot block this one for ever.
    fn lock_bounded(&self, key: &str, suffix: &str) -> Result<File, StoreError> {
        let attempts = LOCK_WAIT.as_millis() / LOCK_POLL.as_millis();
        for _ in 0..attempts {
            match self.lock(key, suffix, libc::LOCK_EX | libc::LOCK_NB) {
                Ok(file) => return Ok(file),
                Err(LockError::Busy) => std::thread::sleep(LOCK_POLL),
                Err(LockError::Failed(error)) => return Err(error),
            }
        }
        Err(StoreError(format!(
            "timed out after {LOCK_WAIT:?} waiting for the lock on {}",
            self.path(key, suffix).display()
        )))
    }

    /// Opens `<key>.<suffix>` and locks it with `flock(operation)`.
    fn lock(&self, key: &str, suffix: &str, operation: i32) -> Result<File, LockError> {
        let path = self.path(key, suffix);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(SAFE_OPEN_FLAGS)
            .open(&path)
            .map_err(|e| LockError::Failed(io_error("open", &path, &e)))?;
        let meta = file
            .metadata()
            .map_err(|e| LockError::Failed(io_error("inspect", &path, &e)))?;
        check_regular(&meta, &path).map_err(LockError::Failed)?;
        check_private(&meta, &path, PRIVATE_MASK).map_err(LockError::Failed)?;

        // SAFETY: the descriptor belongs to `file`, which outlives the call.
        let result = unsafe { libc::flock(file.as_raw_fd(), operation) };
        if result == 0 {
            return Ok(file);
        }
        let error = std::io::Error::last_os_error();
        if error.kind() == ErrorKind::WouldBlock {
            return Err(LockError::Busy);
        }
        Err(LockError::Failed(io_error("lock", &path, &error)))
    }
}

impl From<LockError> for StoreError {
    fn from(error: LockError) -> Self {
        match error {
            LockError::Busy => StoreError("the store's write lock is busy".to_owned()),
            LockError::Failed(error) => error,
        }
    }
}

enum LockError {
    Busy,
    Failed(StoreError),
}

impl TokenStore for FileStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        blocking(self, key, |store, key| store.load_blocking(key))
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        entry: String,
        _ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        blocking(self, key, move |store, key| {
            store.save_blocking(key, &entry)
        })
    }

    fn remove_if<'a>(
        &'a self,
        key: &'a str,
        token: String,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        blocking(self, key, move |store, key| {
            store.remove_if_blocking(key, &token)
        })
    }

    fn try_lease<'a>(
        &'a self,
        key: &'a str,
        _ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<Lease>, StoreError>> {
        blocking(self, key, |store, key| store.try_lease_blocking(key))
    }

    fn release<'a>(&'a self, _key: &'a str, lease: Lease) -> BoxFuture<'a, Result<(), StoreError>> {
        // Closing the descriptor drops the lock.
        drop(lease);
        futures::future::ready(Ok(())).boxed()
    }
}

/// Runs a file operation on tokio's blocking pool, so a slow disk never stalls the
/// runtime's threads.
fn blocking<'a, T: Send + 'static>(
    store: &'a FileStore,
    key: &'a str,
    work: impl FnOnce(&FileStore, &str) -> Result<T, StoreError> + Send + 'static,
) -> BoxFuture<'a, Result<T, StoreError>> {
    let owned = FileStore {
        dir: store.dir.clone(),
    };
    let key = key.to_owned();
    async move {
        tokio::task::spawn_blocking(move || work(&owned, &key))
            .await
            .unwrap_or_else(|error| Err(StoreError(format!("file store task failed: {error}"))))
    }
    .boxed()
}

fn write_private(path: &Path, text: &str) -> Result<(), StoreError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| io_error("create", path, &e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| io_error("write", path, &e))
}

/// Rejects anything but a regular file, such as a FIFO or a device.
fn check_regular(meta: &fs::Metadata, path: &Path) -> Result<(), StoreError> {
    if meta.is_file() {
        return Ok(());
    }
    Err(StoreError(format!(
        "{} is not a regular file; ignoring it",
        path.display()
    )))
}

/// Rejects a file or directory owned by another user or granting `mask` bits to others.
pub(crate) fn check_private(meta: &fs::Metadata, path: &Path, mask: u32) -> Result<(), StoreError> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(StoreError(format!(
            "{} is owned by user {}, not this user ({me}); ignoring it",
            path.display(),
            meta.uid()
        )));
    }
    if meta.mode() & mask != 0 {
        return Err(StoreError(format!(
            "{} has mode {:o}, open to other users; ignoring it (use chmod go-rwx, or go-w for a directory)",
            path.display(),
            meta.mode() & 0o777
        )));
    }
    Ok(())
}

fn io_error(action: &str, path: &Path, error: &std::io::Error) -> StoreError {
    StoreError(format!("cannot {action} {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "setu-auth-file-store-{name}-{}-{}",
            std::process::id(),
            fencing()
        ));
        DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .expect("temp dir");
        dir
    }

    fn entry(token: &str) -> String {
        StoredToken {
            v: 1,
            token: token.into(),
            lifetime_ms: 1000,
            expires_at_ms: 1,
        }
        .encode()
    }

    #[test]
    fn save_load_and_compare_and_delete() {
        let dir = temp_dir("round-trip");
        let store = FileStore::open(Some(&dir)).expect("store");

        store.save_blocking("k", &entry("tok-a")).expect("save");
        let path = dir.join("k.token");
        let mode = fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            store.load_blocking("k").expect("load"),
            Some(entry("tok-a"))
        );

        assert!(
            !store
                .remove_if_blocking("k", "tok-b")
                .expect("remove other")
        );
        assert!(store.remove_if_blocking("k", "tok-a").expect("remove"));
        assert_eq!(store.load_blocking("k").expect("load"), None);
        fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn open_files_rejected() {
        let dir = temp_dir("perms");
        let store = FileStore::open(Some(&dir)).expect("store");
        store.save_blocking("k", &entry("tok-a")).expect("save");

        let path = dir.join("k.token");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
        let error = store.load_blocking("k").expect_err("world-readable file");
        assert!(error.0.contains("open to other users"), "{error}");

        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).expect("chmod dir");
        let error = store.load_blocking("k").expect_err("world-writable dir");
        assert!(error.0.contains("open to other users"), "{error}");
        fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn symlinked_entry_not_followed() {
        let dir = temp_dir("symlink");
        let store = FileStore::open(Some(&dir)).expect("store");
        store.ready_dir().expect("directory");
        let outside = dir.with_extension("outside");
        fs::write(&outside, entry("outside-token")).expect("outside file");
        fs::set_permissions(&outside, fs::Permissions::from_mode(0o600)).expect("chmod");
        std::os::unix::fs::symlink(&outside, store.path("k", "token")).expect("link");

        assert!(store.load_blocking("k").is_err());
        std::os::unix::fs::symlink(dir.join("elsewhere"), store.path("k", "lease")).expect("link");
        assert!(store.try_lease_blocking("k").is_err());
        assert!(!dir.join("elsewhere").exists());
    }

    #[test]
    fn fifo_entry_does_not_block() {
        let dir = temp_dir("fifo");
        let store = FileStore::open(Some(&dir)).expect("store");
        store.ready_dir().expect("directory");
        let path = std::ffi::CString::new(
            store
                .path("k", "token")
                .into_os_string()
                .into_encoded_bytes(),
        )
        .expect("path");
        // SAFETY: `path` is a valid NUL-terminated string.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);

        assert!(store.load_blocking("k").is_err());
    }

    #[test]
    fn symlinked_directory_rejected() {
        let real = temp_dir("real-dir");
        fs::create_dir_all(&real).expect("real dir");
        let link = real.with_extension("link");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        let store = FileStore::open(Some(&link)).expect("store");

        assert!(store.ready_dir().is_err());
    }

    #[test]
    fn held_write_lock_times_out() {
        let dir = temp_dir("write-lock");
        let store = FileStore::open(Some(&dir)).expect("store");
        store.ready_dir().expect("directory");
        let _held = store
            .lock("k", "write", libc::LOCK_EX)
            .map_err(|_| "lock")
            .expect("held");

        let error = store
            .save_blocking("k", &entry("t"))
            .expect_err("bounded wait");

        assert!(error.0.contains("timed out"), "{}", error.0);
    }

    #[test]
    fn directory_created_private() {
        let dir = temp_dir("create").join("nested");
        let store = FileStore::open(Some(&dir)).expect("store");

        store.save_blocking("k", &entry("tok-a")).expect("save");
        let mode = fs::metadata(&dir).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        fs::remove_dir_all(dir.parent().expect("parent")).expect("clean up");
    }

    #[test]
    fn lease_is_exclusive_until_released() {
        let dir = temp_dir("lease");
        let store = FileStore::open(Some(&dir)).expect("store");

        let lease = store.try_lease_blocking("k").expect("lease").expect("free");
        assert!(store.try_lease_blocking("k").expect("busy").is_none());
        drop(lease);
        assert!(store.try_lease_blocking("k").expect("again").is_some());
        fs::remove_dir_all(&dir).expect("clean up");
    }
}
