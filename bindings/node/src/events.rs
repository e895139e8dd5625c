//! Forwards the engine's `tracing` events to JavaScript listeners.
//!
//! A process-wide subscriber, installed on the first subscription, turns each event of the
//! `setu_auth` target into a JSON object and queues it on every subscribed callback. The
//! callbacks are weak thread-safe functions, so a subscription never keeps Node alive.
//! The engine's events carry no secret and no token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use napi::bindgen_prelude::{Function, Result, Status};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

use crate::error::internal;

type Listener = ThreadsafeFunction<String, (), String, Status, false, true>;

static LISTENERS: Mutex<Vec<(u64, Listener)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static INSTALL: Once = Once::new();

/// Subscribes `callback` to engine events, each passed as a JSON string. Returns an ID
/// for `unsubscribeEvents`.
#[napi(skip_typescript)]
pub fn subscribe_events(callback: Function<String, ()>) -> Result<u32> {
    let listener = callback
        .build_threadsafe_function::<String>()
        .callee_handled::<false>()
        .weak::<true>()
        .build()?;
    install()?;

    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    listeners().push((id, listener));
    Ok(id as u32)
}

/// Removes a subscription made by `subscribeEvents`.
#[napi(skip_typescript)]
pub fn unsubscribe_events(id: u32) {
    listeners().retain(|(listener_id, _)| *listener_id != u64::from(id));
}

fn listeners() -> MutexGuard<'static, Vec<(u64, Listener)>> {
    LISTENERS.lock().unwrap_or_else(PoisonError::into_inner)
}

fn install() -> Result<()> {
    let mut result = Ok(());
    INSTALL.call_once(|| {
        if tracing::subscriber::set_global_default(Forwarder).is_err() {
            result = Err(internal(
                "another tracing subscriber is installed in this process; setu-auth events \
                 cannot be forwarded",
            ));
        }
    });
    result
}

/// The subscriber that forwards `setu_auth` events and ignores everything else.
struct Forwarder;

impl Subscriber for Forwarder {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if is_engine(metadata) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        is_engine(metadata) && !listeners().is_empty()
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let text = describe(event).to_string();

        // A callback whose environment has ended (a finished worker thread) reports
        // `Closing` and is dropped.
        listeners().retain(|(_, listener)| {
            let status = listener.call(text.clone(), ThreadsafeFunctionCallMode::NonBlocking);
            status != Status::Closing
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn is_engine(metadata: &Metadata<'_>) -> bool {
    let target = metadata.target();
    target == "setu_auth" || target.starts_with("setu_auth::")
}

/// Builds `{kind, level, message, ...fields}` with camelCase field names.
fn describe(event: &Event<'_>) -> Value {
    let mut fields = Fields(Map::new());
    event.record(&mut fields);
    let mut object = fields.0;

    let message = object
        .remove("message")
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    object.insert("kind".into(), Value::from(kind(&message)));
    object.insert(
        "level".into(),
        Value::from(event.metadata().level().as_str().to_ascii_lowercase()),
    );
    object.insert("message".into(), Value::from(message));
    Value::Object(object)
}

/// Names the event by what happened, from the engine's message.
fn kind(message: &str) -> &'static str {
    const KINDS: [(&str, &str); 8] = [
        ("requesting a token", "request"),
        ("token received", "token"),
        ("token request failed", "failure"),
        ("renewing the token in the background", "refresh"),
        ("background token renewal failed", "retry"),
        ("stopped renewing the token", "gave_up"),
        ("discarded a token the server rejected", "invalidated"),
        ("credentials replaced", "credentials"),
    ];
    KINDS
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix))
        .map_or("log", |(_, kind)| kind)
}

struct Fields(Map<String, Value>);

impl Fields {
    fn insert(&mut self, field: &Field, value: Value) {
        self.0.insert(camel_case(field.name()), value);
    }
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, Value::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, Value::from(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.insert(field, Value::from(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.insert(field, Value::from(format!("{value:?}")));
    }
}

fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
