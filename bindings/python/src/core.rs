//! State shared by the blocking and async Python managers: the engine and a copy of the
//! current token as a Python string, so a cache hit crosses no lock and builds no string.

use std::cell::{Cell, UnsafeCell};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use setu_auth::{BlockingTokenManager, Config, Error, PRODUCT_INSTANCE_HEADER, Token};

use crate::fork;

/// How much earlier than the engine's refresh point the binding stops using its copy, to
/// cover the coarse clock's resolution.
const CLOCK_MARGIN: Duration = Duration::from_millis(20);

/// The engine plus the binding's copy of the current token.
pub struct Core {
    engine: BlockingTokenManager,
    hot: GilCell<Option<Hot>>,
    local_hits: GilCell<Cell<LocalHits>>,
}

/// Cache hits served from the binding's copy, counted per process: a forked child
/// starts again from zero, as the engine's counters do.
#[derive(Clone, Copy)]
struct LocalHits {
    epoch: u64,
    hits: u64,
}

impl LocalHits {
    /// Returns the hits counted in this process.
    fn current(self) -> u64 {
        if self.epoch == fork::epoch() {
            self.hits
        } else {
            0
        }
    }

    /// Returns the count with one more hit in the process of fork epoch `epoch`.
    #[inline]
    fn plus_one(self, epoch: u64) -> Self {
        let before = if self.epoch == epoch { self.hits } else { 0 };
        Self {
            epoch,
            hits: before + 1,
        }
    }
}

/// The current token, converted once, and how long it may be returned without asking the
/// engine.
struct Hot {
    token: Token,
    text: Py<PyString>,
    fresh_until: u64,
    epoch: u64,
}

impl Core {
    /// Starts the engine with `config`.
    pub fn new(config: Config) -> Result<Self, Error> {
        fork::register();
        Ok(Self {
            engine: BlockingTokenManager::new(config)?,
            hot: GilCell::new(None),
            local_hits: GilCell::new(Cell::new(LocalHits {
                epoch: fork::epoch(),
                hits: 0,
            })),
        })
    }

    /// Returns the engine.
    pub fn engine(&self) -> &BlockingTokenManager {
        &self.engine
    }

    /// Returns the binding's copy of the token while it is before the refresh point.
    #[inline]
    pub fn hot(&self, py: Python<'_>) -> Option<Py<PyString>> {
        let hot = self.hot.get(py).as_ref()?;
        if hot.epoch != fork::epoch() || coarse_now() >= hot.fresh_until {
            return None;
        }

        let hits = self.local_hits.get(py);
        hits.set(hits.get().plus_one(hot.epoch));
        Some(hot.text.clone_ref(py))
    }

    /// Asks the engine for its cached token without I/O, and keeps a copy until the
    /// token's refresh point.
    pub fn fresh(&self, py: Python<'_>) -> Option<Py<PyString>> {
        let (token, left) = self.engine.manager().ok()?.fresh_token()?;
        let text = self.text_for(py, &token);

        let fresh_until = (coarse_now() + nanos(left)).saturating_sub(nanos(CLOCK_MARGIN));
        self.store(py, token, text.clone_ref(py), fresh_until);
        Some(text)
    }

    /// Returns the engine's cached token, if usable, without I/O.
    pub fn cached(&self, py: Python<'_>) -> Option<Py<PyString>> {
        if let Some(text) = self.hot(py).or_else(|| self.fresh(py)) {
            return Some(text);
        }
        let token = self.engine.cached_token()?;
        Some(self.text_for(py, &token))
    }

    /// Converts a token from the engine, reusing the string of the copy when it is the
    /// same token. Remembers the string without a freshness window, so the next call
    /// queries the engine for how long the token stays fresh.
    pub fn text_for(&self, py: Python<'_>, token: &Token) -> Py<PyString> {
        if let Some(hot) = self.hot.get(py)
            && hot.epoch == fork::epoch()
            && hot.token == *token
        {
            return hot.text.clone_ref(py);
        }

        let text = PyString::new(py, token.as_str()).unbind();
        self.store(py, token.clone(), text.clone_ref(py), 0);
        text
    }

    /// Drops the binding's copy, so the next call queries the engine.
    pub fn forget(&self, py: Python<'_>) {
        self.hot.replace(py, None);
    }

    /// Reports a rejected token to the engine and drops the copy if it is that token.
    pub fn invalidate(&self, py: Python<'_>, token: &str) -> bool {
        let discarded = self.engine.invalidate(token);
        let holds_it = matches!(self.hot.get(py), Some(hot) if hot.token == *token);
        if discarded || holds_it {
            self.forget(py);
        }
        discarded
    }

    /// Returns the headers for an API call with `token`.
    pub fn headers<'py>(&self, py: Python<'py>, token: &str) -> PyResult<Bound<'py, PyDict>> {
        let headers = PyDict::new(py);
        headers.set_item("Authorization", format!("Bearer {token}"))?;
        if let Some(id) = self.engine.product_instance_id() {
            headers.set_item(PRODUCT_INSTANCE_HEADER, id)?;
        }
        Ok(headers)
    }

    /// Returns the engine's counters plus the hits served from the binding's copy.
    pub fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        // The engine's manager for this process: in a forked child the first call starts
        // a fresh one, so the child's counters start from zero whichever call comes first.
        let stats = match self.engine.manager() {
            Ok(manager) => manager.stats(),
            Err(_) => self.engine.stats(),
        };
        let local_hits = self.local_hits.get(py).get().current();
        let dict = PyDict::new(py);

        dict.set_item("token_requests", stats.token_requests)?;
        dict.set_item("token_successes", stats.token_successes)?;
        dict.set_item("token_failures", stats.token_failures)?;
        dict.set_item("cache_hits", stats.cache_hits + local_hits)?;
        dict.set_item("stale_serves", stats.stale_serves)?;
        dict.set_item("invalidations", stats.invalidations)?;
        Ok(dict)
    }

    /// Stops background work and drops every copy of the token.
    pub fn close(&self, py: Python<'_>) {
        self.engine.close();
        self.forget(py);
    }

    /// Returns a short description without secrets or tokens.
    pub fn describe(&self, class: &str) -> String {
        let closed = self.engine.manager().is_err();
        format!(
            "<{class} client_id={:?} closed={}>",
            self.engine.client_id(),
            if closed { "True" } else { "False" }
        )
    }

    fn store(&self, py: Python<'_>, token: Token, text: Py<PyString>, fresh_until: u64) {
        let hot = Hot {
            token,
            text,
            fresh_until,
            epoch: fork::epoch(),
        };
        self.hot.replace(py, Some(hot));
    }
}

/// A value that is read and written only while the GIL is held, which serialises every
/// access: the extension is built for the stable ABI, which has no free-threaded build.
struct GilCell<T>(UnsafeCell<T>);

// SAFETY: every access goes through `get` or `replace`, which take a `Python` token, so
// only the thread holding the GIL touches the value.
unsafe impl<T: Send> Sync for GilCell<T> {}

impl<T> GilCell<T> {
    fn new(value: T) -> Self {
        Self(UnsafeCell::new(value))
    }

    /// Returns a shared reference, valid while the GIL is held and no `replace` runs.
    /// Callers finish with it before calling `replace` or anything that may release the
    /// GIL.
    #[inline]
    fn get<'a>(&'a self, _py: Python<'a>) -> &'a T {
        // SAFETY: the GIL serialises access, and no caller keeps the reference across a
        // `replace` or a point where the GIL could be released.
        unsafe { &*self.0.get() }
    }

    /// Stores `value` and drops the previous one after the cell is updated.
    fn replace(&self, _py: Python<'_>, value: T) {
        // SAFETY: as in `get`; the old value is moved out before it is dropped, so a drop
        // that runs Python code sees a consistent cell.
        let old = unsafe { std::mem::replace(&mut *self.0.get(), value) };
        drop(old);
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Reads a monotonic clock that is cheap to read and at most a few milliseconds behind.
#[cfg(target_os = "linux")]
#[inline]
fn coarse_now() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec, and the clock id exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut now) };
    (now.tv_sec as u64) * 1_000_000_000 + now.tv_nsec as u64
}

/// Reads the monotonic clock.
#[cfg(not(target_os = "linux"))]
#[inline]
fn coarse_now() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;

    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    nanos(ORIGIN.get_or_init(Instant::now).elapsed())
}
