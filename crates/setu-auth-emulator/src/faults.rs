//! Faults that the token endpoints inject on request, and their FIFO queue.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::jwt::Flavor;

/// Largest delay that the admin API accepts, in milliseconds (10 minutes).
const MAX_DELAY_MS: u64 = 600_000;

/// Token endpoints that a fault applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultTarget {
    /// Both token endpoints.
    #[default]
    Any,
    /// `POST /api/v2/auth/token` only.
    V2,
    /// `POST /v1/users/login` only.
    Login,
}

impl FaultTarget {
    fn matches(self, flavor: Flavor) -> bool {
        match self {
            Self::Any => true,
            Self::V2 => flavor == Flavor::V2,
            Self::Login => flavor == Flavor::Login,
        }
    }
}

/// Action of a fault on a token request, taken after the fault's delay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    /// Responds with `status`, the extra `headers` and `body`.
    ///
    /// With `body: None`, a status of 400 or more gets the endpoint's error body for that
    /// status (the Setu envelope on the v2 endpoint, such as code `too-many-requests` for
    /// 429), and a lower status gets an empty body. A status outside 200..=599 gets a
    /// 500 response whose error names it.
    Respond {
        /// HTTP status code.
        status: u16,
        /// Extra response headers, such as `Retry-After`. Invalid names or values are skipped.
        headers: Vec<(String, String)>,
        /// Response body. `None` means the endpoint's error body for `status`.
        body: Option<String>,
    },
    /// Delays only. The request is then processed normally.
    Delay,
    /// Closes the TCP connection without sending any response.
    DropConnection,
    /// Sends the normal response's headers with its full `Content-Length` but only part
    /// of its body, then closes the connection.
    TruncateBody,
}

/// Fault for the next matching token requests.
///
/// In the admin API's JSON a fault reads `{"times": 1, "target": "any", "action":
/// "respond", "status": 429, "headers": {"Retry-After": "3"}, "body": null, "delayMs": 0}`,
/// where `action` is one of `respond`, `delay`, `drop` and `truncate`, and every
/// field except `action` is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FaultJson", into = "FaultJson")]
pub struct Fault {
    /// Number of matching requests the fault applies to. A fault with 0 applies to none.
    pub times: u32,
    /// Token endpoints the fault applies to.
    pub target: FaultTarget,
    /// Action taken after `delay`.
    pub action: FaultAction,
    /// Time to wait before the action.
    pub delay: Duration,
}

impl Fault {
    /// Creates a fault that applies `action` once to either endpoint, without delay.
    pub fn new(action: FaultAction) -> Self {
        Self {
            times: 1,
            target: FaultTarget::Any,
            action,
            delay: Duration::ZERO,
        }
    }

    /// Creates a fault that responds with `status` and the endpoint's error body.
    pub fn respond(status: u16) -> Self {
        Self::new(FaultAction::Respond {
            status,
            headers: Vec::new(),
            body: None,
        })
    }

    /// Sets how many matching requests the fault applies to.
    pub fn with_times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Sets the endpoints the fault applies to.
    pub fn with_target(mut self, target: FaultTarget) -> Self {
        self.target = target;
        self
    }

    /// Sets the delay before the action.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Adds a response header. It has an effect only on [`FaultAction::Respond`].
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let FaultAction::Respond { headers, .. } = &mut self.action {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// JSON form of [`Fault`] in the admin API.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultJson {
    #[serde(default = "one")]
    times: u32,
    #[serde(default)]
    target: FaultTarget,
    action: ActionName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(default)]
    delay_ms: u64,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ActionName {
    Respond,
    Delay,
    Drop,
    Truncate,
}

impl ActionName {
    fn as_str(self) -> &'static str {
        match self {
            Self::Respond => "respond",
            Self::Delay => "delay",
            Self::Drop => "drop",
            Self::Truncate => "truncate",
        }
    }
}

impl TryFrom<FaultJson> for Fault {
    type Error = String;

    fn try_from(json: FaultJson) -> Result<Self, Self::Error> {
        validate_common(&json)?;

        let action = match json.action {
            ActionName::Respond => respond_action(json.status, json.headers, json.body)?,
            ActionName::Delay => plain_action(&json, FaultAction::Delay)?,
            ActionName::Drop => plain_action(&json, FaultAction::DropConnection)?,
            ActionName::Truncate => plain_action(&json, FaultAction::TruncateBody)?,
        };

        Ok(Self {
            times: json.times,
            target: json.target,
            action,
            delay: Duration::from_millis(json.delay_ms),
        })
    }
}

fn validate_common(json: &FaultJson) -> Result<(), String> {
    if json.times == 0 {
        return Err("times must be at least 1; omit it to apply the fault once".to_owned());
    }

    if json.delay_ms > MAX_DELAY_MS {
        return Err(format!(
            "delayMs {} is more than the maximum of {MAX_DELAY_MS}; pass a shorter delay",
            json.delay_ms
        ));
    }
    Ok(())
}

fn respond_action(
    status: Option<u16>,
    headers: BTreeMap<String, String>,
    body: Option<String>,
) -> Result<FaultAction, String> {
    let Some(status) = status else {
        return Err("action \"respond\" needs a status, such as 429 or 503".to_owned());
    };
    if !(200..=599).contains(&status) {
        return Err(format!(
            "status {status} is invalid; pass a code from 200 to 599"
        ));
    }

    for (name, value) in &headers {
        validate_header(name, value)?;
    }

    Ok(FaultAction::Respond {
        status,
        headers: headers.into_iter().collect(),
        body,
    })
}

/// Returns `action` unless `json` also carries fields that only `respond` uses.
fn plain_action(json: &FaultJson, action: FaultAction) -> Result<FaultAction, String> {
    if json.status.is_some() || !json.headers.is_empty() || json.body.is_some() {
        return Err(format!(
            "status, headers and body apply only to action \"respond\", not {:?}; remove them",
            json.action.as_str()
        ));
    }
    Ok(action)
}

/// Checks that `name: value` is a valid HTTP header.
pub(crate) fn validate_header(name: &str, value: &str) -> Result<(), String> {
    if HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(format!(
            "header name {name:?} is invalid; use a token such as Retry-After"
        ));
    }

    if HeaderValue::from_str(value).is_err() {
        return Err(format!(
            "value {value:?} of header {name} is invalid; use visible ASCII characters"
        ));
    }
    Ok(())
}

impl From<Fault> for FaultJson {
    fn from(fault: Fault) -> Self {
        let delay_ms = u64::try_from(fault.delay.as_millis()).unwrap_or(u64::MAX);
        let mut json = Self {
            times: fault.times,
            target: fault.target,
            action: ActionName::Delay,
            status: None,
            headers: BTreeMap::new(),
            body: None,
            delay_ms,
        };

        json.action = match fault.action {
            FaultAction::Respond {
                status,
                headers,
                body,
            } => {
                json.status = Some(status);
                json.headers = headers.into_iter().collect();
                json.body = body;
                ActionName::Respond
            }
            FaultAction::Delay => ActionName::Delay,
            FaultAction::DropConnection => ActionName::Drop,
            FaultAction::TruncateBody => ActionName::Truncate,
        };
        json
    }
}

/// Pending faults in the order they were pushed.
#[derive(Debug, Default)]
pub struct FaultQueue {
    faults: VecDeque<Fault>,
}

impl FaultQueue {
    /// Appends a fault. A fault with `times == 0` is not queued.
    pub fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.faults.push_back(fault);
        }
    }

    /// Removes every pending fault.
    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// Takes one application of the oldest fault that matches `flavor`.
    pub fn take(&mut self, flavor: Flavor) -> Option<Fault> {
        let index = self
            .faults
            .iter()
            .position(|fault| fault.target.matches(flavor))?;
        let fault = self.faults.get_mut(index)?;

        fault.times = fault.times.saturating_sub(1);
        let applied = fault.clone();
        if fault.times == 0 {
            self.faults.remove(index);
        }
        Some(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Fault, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn json_defaults() {
        let fault = parse(r#"{"action":"drop"}"#).unwrap_or_else(|error| panic!("{error}"));

        assert_eq!(fault, Fault::new(FaultAction::DropConnection));
    }

    #[test]
    fn json_respond_with_headers() {
        let json = r#"{"action":"respond","status":429,"headers":{"Retry-After":"3"},"delayMs":5,"target":"v2","times":2}"#;

        let fault = parse(json).unwrap_or_else(|error| panic!("{error}"));

        let expected = Fault::respond(429)
            .with_header("Retry-After", "3")
            .with_delay(Duration::from_millis(5))
            .with_target(FaultTarget::V2)
            .with_times(2);
        assert_eq!(fault, expected);
    }

    #[test]
    fn json_round_trips() {
        let fault = Fault::new(FaultAction::TruncateBody)
            .with_times(3)
            .with_target(FaultTarget::Login);

        let json = serde_json::to_string(&fault).unwrap_or_default();

        assert_eq!(parse(&json).ok(), Some(fault));
    }

    #[test]
    fn json_rejects_invalid_faults() {
        let cases = [
            r#"{"action":"respond"}"#,
            r#"{"action":"respond","status":99}"#,
            r#"{"action":"respond","status":429,"headers":{"bad name":"x"}}"#,
            r#"{"action":"drop","status":500}"#,
            r#"{"action":"delay","times":0}"#,
            r#"{"action":"explode"}"#,
            r#"{"action":"delay","delayMs":600001}"#,
            r#"{"action":"delay","extra":1}"#,
        ];

        for case in cases {
            assert!(parse(case).is_err(), "accepted {case}");
        }
    }

    #[test]
    fn queue_is_fifo_per_target() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::respond(500).with_target(FaultTarget::Login));
        queue.push(Fault::respond(503).with_times(2));

        let first_v2 = queue.take(Flavor::V2).map(|fault| fault.action);
        let first_login = queue.take(Flavor::Login).map(|fault| fault.action);
        let second_login = queue.take(Flavor::Login).map(|fault| fault.action);

        assert_eq!(first_v2, Fault::respond(503).action.into());
        assert_eq!(first_login, Fault::respond(500).action.into());
        assert_eq!(second_login, Fault::respond(503).action.into());
        assert_eq!(queue.take(Flavor::V2), None);
    }

    #[test]
    fn queue_skips_zero_times() {
        let mut queue = FaultQueue::default();

        queue.push(Fault::respond(500).with_times(0));

        assert_eq!(queue.take(Flavor::V2), None);
    }
}
