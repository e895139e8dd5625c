//! Bridge from the engine's `tracing` events to Python's `logging` module.
//!
//! Events of the `setu_auth` targets go to the logger `setu_auth` (the emulator's to
//! `setu_auth.emulator`) at the matching level. Which levels are on is copied from Python
//! into an atomic, and tracing caches that decision per call site, so a disabled event
//! costs no GIL and no formatting.

use std::fmt::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// The maximum verbosity forwarded: 0 none, 1 error, 2 warn, 3 info, 4 debug, 5 trace.
static THRESHOLD: AtomicU8 = AtomicU8::new(2);
static EXITING: AtomicBool = AtomicBool::new(false);

/// Installs the bridge as the process's tracing subscriber, unless one is installed.
pub fn install() {
    let subscriber = tracing_subscriber::registry().with(Bridge);
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        // NOTE: another library installed a global subscriber first; its events go there.
        return;
    }
    tracing::callsite::rebuild_interest_cache();
}

/// Copies the effective level of the `setu_auth` logger into the bridge. Call it after
/// changing that level; the package also calls it whenever a manager is created.
#[pyfunction]
pub fn sync_log_level(py: Python<'_>) -> PyResult<()> {
    static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let logger = LOGGER.get_or_try_init(py, || logger(py, "setu_auth"))?;
    let level: u32 = logger
        .bind(py)
        .call_method0("getEffectiveLevel")?
        .extract()?;

    let threshold = match level {
        0..=5 => 5,
        6..=10 => 4,
        11..=20 => 3,
        21..=30 => 2,
        31..=40 => 1,
        _ => 0,
    };
    if THRESHOLD.swap(threshold, Ordering::Relaxed) != threshold {
        py.detach(tracing::callsite::rebuild_interest_cache);
    }
    Ok(())
}

/// Stops forwarding events: called at interpreter exit, after which no thread may attach.
#[pyfunction]
pub fn interpreter_exiting() {
    EXITING.store(true, Ordering::Release);
}

/// Returns whether the interpreter is shutting down.
pub fn interpreter_is_exiting() -> bool {
    EXITING.load(Ordering::Acquire)
}

/// Updates the level from Python, ignoring failures: logging must not break a token call.
pub fn sync_from_python(py: Python<'_>) {
    if let Err(error) = sync_log_level(py) {
        error.write_unraisable(py, None);
    }
}

fn logger(py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
    let logging = py.import("logging")?;
    Ok(logging.call_method1("getLogger", (name,))?.unbind())
}

struct Bridge;

impl<S: Subscriber> Layer<S> for Bridge {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if enabled(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        enabled(metadata)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(match THRESHOLD.load(Ordering::Relaxed) {
            0 => LevelFilter::OFF,
            1 => LevelFilter::ERROR,
            2 => LevelFilter::WARN,
            3 => LevelFilter::INFO,
            4 => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        })
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if interpreter_is_exiting() {
            return;
        }
        let metadata = event.metadata();
        let mut text = Text::default();
        event.record(&mut text);

        let name = if metadata.target().starts_with("setu_auth_emulator") {
            "setu_auth.emulator"
        } else {
            "setu_auth"
        };
        Python::attach(|py| emit(py, name, python_level(metadata.level()), &text.finish()));
    }
}

fn emit(py: Python<'_>, name: &str, level: u32, message: &str) {
    let result = logger(py, name)
        .and_then(|logger| logger.bind(py).call_method1("log", (level, "%s", message)));
    if let Err(error) = result {
        error.write_unraisable(py, None);
    }
}

fn enabled(metadata: &Metadata<'_>) -> bool {
    metadata.target().starts_with("setu_auth")
        && rank(metadata.level()) <= THRESHOLD.load(Ordering::Relaxed)
}

fn rank(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

fn python_level(level: &Level) -> u32 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

/// An event's message followed by its fields as `name=value`.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Text {
    fn finish(self) -> String {
        format!("{}{}", self.message, self.fields)
    }
}

impl tracing::field::Visit for Text {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}
