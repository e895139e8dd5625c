//! Forwarding the engine's log events to a C callback.

use std::ffi::{c_char, c_void};
use std::fmt::Write;
use std::sync::{Once, PoisonError, RwLock};

use engine::{Error, ErrorCode};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::error::setu_auth_error;
use crate::ffi::{c_string, guard};

/// Severity of a log event, from most to least severe.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum setu_auth_log_level {
    /// A failure the engine could not handle.
    SETU_AUTH_LOG_ERROR = 1,
    /// A failure the engine handled, such as a retried request.
    SETU_AUTH_LOG_WARN = 2,
    /// A notable event, such as a new token.
    SETU_AUTH_LOG_INFO = 3,
    /// Details for debugging.
    SETU_AUTH_LOG_DEBUG = 4,
    /// Every step.
    SETU_AUTH_LOG_TRACE = 5,
}

impl setu_auth_log_level {
    fn from_tracing(level: Level) -> Self {
        match level {
            Level::ERROR => Self::SETU_AUTH_LOG_ERROR,
            Level::WARN => Self::SETU_AUTH_LOG_WARN,
            Level::INFO => Self::SETU_AUTH_LOG_INFO,
            Level::DEBUG => Self::SETU_AUTH_LOG_DEBUG,
            Level::TRACE => Self::SETU_AUTH_LOG_TRACE,
        }
    }
}

/// Receives one log event: its level, its target (such as `"setu_auth"`) and a message
/// followed by the event's fields as `name=value`. Both strings are borrowed for the
/// duration of the call. Log events never contain a secret or a token.
pub type setu_auth_log_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: setu_auth_log_level,
        target: *const c_char,
        message: *const c_char,
    ),
>;

struct Logger {
    callback: unsafe extern "C" fn(*mut c_void, setu_auth_log_level, *const c_char, *const c_char),
    user_data: *mut c_void,
    max_level: setu_auth_log_level,
}

// SAFETY: the caller of `setu_auth_set_logger` promises that the callback and user data may
// be used from any thread, as its documentation requires.
unsafe impl Send for Logger {}
// SAFETY: as above.
unsafe impl Sync for Logger {}

static LOGGER: RwLock<Option<Logger>> = RwLock::new(None);

/// A tracing layer that hands events to the registered C callback.
struct CallbackLayer;

impl<S: Subscriber> Layer<S> for CallbackLayer {
    fn register_callsite(
        &self,
        _metadata: &'static Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        // The callback and its level can change at any time, so ask on every event.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _context: Context<'_, S>) -> bool {
        let logger = LOGGER.read().unwrap_or_else(PoisonError::into_inner);
        logger.as_ref().is_some_and(|logger| {
            setu_auth_log_level::from_tracing(*metadata.level()) <= logger.max_level
        })
    }

    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let mut text = MessageText::default();
        event.record(&mut text);
        let level = setu_auth_log_level::from_tracing(*event.metadata().level());
        let target = c_string(event.metadata().target());
        let message = c_string(text.finish());

        let logger = LOGGER.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(logger) = logger.as_ref().filter(|logger| level <= logger.max_level) {
            // SAFETY: the callback was registered for this purpose; the strings live until
            // the end of this block.
            unsafe {
                (logger.callback)(logger.user_data, level, target.as_ptr(), message.as_ptr())
            };
        }
    }
}

/// The `message` field followed by the other fields as `name=value`.
#[derive(Default)]
struct MessageText {
    message: String,
    fields: String,
}

impl MessageText {
    fn finish(self) -> String {
        if self.fields.is_empty() {
            return self.message;
        }
        format!("{}{}", self.message, self.fields)
    }
}

impl Visit for MessageText {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}

/// Installs the forwarding layer as the process's tracing subscriber, once.
fn install_subscriber() -> Result<(), Error> {
    static INSTALL: Once = Once::new();
    let mut result = Ok(());
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(CallbackLayer);
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            result = Err(Error::new(
                ErrorCode::Internal,
                "another tracing subscriber is already installed in this process: forward \
                 the `setu_auth` target from that subscriber instead",
            ));
        }
    });
    result
}

/// Sends the library's log events at `max_level` and more severe to `callback`, or turns
/// logging off when `callback` is NULL. Logging is off until this is called.
///
/// The callback is called on whichever thread logs: a caller's thread or the manager's
/// runtime thread, possibly on several at once. It must not call `setu_auth_set_logger`
/// and should not call other setu-auth functions. After this function returns, no call
/// to the previous callback is running or will start, so its `user_data` may be freed.
///
/// Messages carry the clientID, attempt, duration, Setu's code and traceID, never a
/// secret or a token.
///
/// Thread safety: safe from any thread, except from inside the log callback.
///
/// Errors: `SETU_AUTH_INVALID_ARGUMENT` when `max_level` is out of range.
/// `SETU_AUTH_INTERNAL` when other Rust code in the same program already installed a
/// global `tracing` subscriber.
///
/// # Safety
///
/// `callback` is NULL or a function that may be called from any thread with
/// `user_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setu_auth_set_logger(
    callback: setu_auth_log_callback,
    user_data: *mut c_void,
    max_level: i32,
) -> *mut setu_auth_error {
    guard(|| {
        let logger = match callback {
            Some(callback) => Some(Logger {
                callback,
                user_data,
                max_level: level_arg(max_level)?,
            }),
            None => None,
        };
        if logger.is_some() {
            install_subscriber()?;
        }

        *LOGGER.write().unwrap_or_else(PoisonError::into_inner) = logger;
        Ok(())
    })
}

fn level_arg(value: i32) -> Result<setu_auth_log_level, Error> {
    use setu_auth_log_level::*;
    let levels = [
        SETU_AUTH_LOG_ERROR,
        SETU_AUTH_LOG_WARN,
        SETU_AUTH_LOG_INFO,
        SETU_AUTH_LOG_DEBUG,
        SETU_AUTH_LOG_TRACE,
    ];
    levels
        .into_iter()
        .find(|level| *level as i32 == value)
        .ok_or_else(|| {
            crate::ffi::invalid_argument(
                "max_level",
                &format!("is {value}: pass a level from SETU_AUTH_LOG_ERROR (1) to SETU_AUTH_LOG_TRACE (5)"),
            )
        })
}
