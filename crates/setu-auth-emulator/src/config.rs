//! Startup configuration and the environment an emulator plays.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::EmulatorError;
use crate::keys::KeySpec;

/// Default lifetime in seconds of tokens from `POST /api/v2/auth/token`, as Setu documents it.
pub const DEFAULT_TOKEN_LIFETIME: u64 = 1800;

/// Default lifetime in seconds of tokens from `POST /v1/users/login`, as Setu documents it.
pub const DEFAULT_LOGIN_TOKEN_LIFETIME: u64 = 300;

/// Largest token lifetime in seconds that the emulator accepts (10 years).
pub const MAX_TOKEN_LIFETIME: u64 = 10 * 365 * 24 * 60 * 60;

/// Setu environment. An API key belongs to one environment for life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Setu's test environment (`uat.setu.co`).
    #[default]
    Sandbox,
    /// Setu's live environment (`prod.setu.co`).
    Production,
}

impl Environment {
    /// Returns the lowercase name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Production => "production",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = EmulatorError;

    /// Parses `sandbox` or `production`, ignoring ASCII case.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.eq_ignore_ascii_case("sandbox") {
            Ok(Self::Sandbox)
        } else if value.eq_ignore_ascii_case("production") {
            Ok(Self::Production)
        } else {
            Err(EmulatorError::InvalidEnvironment {
                value: value.to_owned(),
            })
        }
    }
}

/// Settings for [`Emulator::start`](crate::Emulator::start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EmulatorConfig {
    /// Address to listen on. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// Environment that the emulator plays. Keys of the other environment are rejected.
    pub environment: Environment,
    /// Lifetime in seconds of tokens from `POST /api/v2/auth/token`.
    pub token_lifetime: u64,
    /// Lifetime in seconds of tokens from `POST /v1/users/login`.
    pub login_token_lifetime: u64,
    /// API keys to create at startup.
    pub keys: Vec<KeySpec>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            environment: Environment::Sandbox,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            login_token_lifetime: DEFAULT_LOGIN_TOKEN_LIFETIME,
            keys: Vec::new(),
        }
    }
}

/// Checks that a token lifetime lies within 1..=[`MAX_TOKEN_LIFETIME`] seconds.
pub(crate) fn validate_lifetime(seconds: u64) -> Result<u64, EmulatorError> {
    if (1..=MAX_TOKEN_LIFETIME).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(EmulatorError::InvalidLifetime {
            seconds,
            max: MAX_TOKEN_LIFETIME,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_parses_any_case() {
        assert_eq!(
            "Sandbox".parse::<Environment>().ok(),
            Some(Environment::Sandbox)
        );
        assert_eq!(
            "PRODUCTION".parse::<Environment>().ok(),
            Some(Environment::Production)
        );
        assert!("prod".parse::<Environment>().is_err());
    }

    #[test]
    fn lifetime_bounds() {
        assert!(validate_lifetime(0).is_err());
        assert!(validate_lifetime(1).is_ok());
        assert!(validate_lifetime(MAX_TOKEN_LIFETIME).is_ok());
        assert!(validate_lifetime(MAX_TOKEN_LIFETIME + 1).is_err());
    }
}
