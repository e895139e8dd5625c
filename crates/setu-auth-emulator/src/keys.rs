//! API key types: the specification of a new key, the key with its secret, and the
//! public view without it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::Environment;

/// Placeholder that `Debug` prints in place of a secret.
const REDACTED: &str = "<redacted>";

/// Specification of an API key to create. Unset fields get defaults.
///
/// In the admin API's JSON the fields are `environment`, `name`, `products`,
/// `clientID`, `secret` and `tokenLifetime`, all optional.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct KeySpec {
    /// Environment of the key. `None` means the emulator's environment.
    pub environment: Option<Environment>,
    /// Display name of the key.
    pub name: String,
    /// Product instance IDs that tokens of this key may access.
    pub products: Vec<String>,
    /// ClientID to use. `None` generates a random UUID.
    #[serde(rename = "clientID")]
    pub client_id: Option<String>,
    /// Secret to use. `None` generates 40 random letters and digits.
    pub secret: Option<String>,
    /// Token lifetime in seconds for this key, overriding both global lifetimes.
    pub token_lifetime: Option<u64>,
}

impl fmt::Debug for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySpec")
            .field("environment", &self.environment)
            .field("name", &self.name)
            .field("products", &self.products)
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| REDACTED))
            .field("token_lifetime", &self.token_lifetime)
            .finish()
    }
}

/// API key with its secret, as returned when a key is created or regenerated.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Public half of the key pair.
    #[serde(rename = "clientID")]
    pub client_id: String,
    /// Secret half of the key pair. `Debug` prints it redacted.
    pub secret: String,
    /// Display name of the key.
    pub name: String,
    /// Environment the key belongs to for life.
    pub environment: Environment,
    /// Product instance IDs that tokens of this key may access.
    pub products: Vec<String>,
    /// Whether token requests with this key succeed.
    pub enabled: bool,
    /// Token lifetime in seconds for this key. `None` uses the global lifetimes.
    pub token_lifetime: Option<u64>,
}

impl ApiKey {
    /// Returns the key without its secret.
    pub fn info(&self) -> KeyInfo {
        KeyInfo {
            client_id: self.client_id.clone(),
            name: self.name.clone(),
            environment: self.environment,
            products: self.products.clone(),
            enabled: self.enabled,
            token_lifetime: self.token_lifetime,
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("client_id", &self.client_id)
            .field("secret", &REDACTED)
            .field("name", &self.name)
            .field("environment", &self.environment)
            .field("products", &self.products)
            .field("enabled", &self.enabled)
            .field("token_lifetime", &self.token_lifetime)
            .finish()
    }
}

/// API key without its secret, as listed by [`Emulator::list_keys`](crate::Emulator::list_keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    /// Public half of the key pair.
    #[serde(rename = "clientID")]
    pub client_id: String,
    /// Display name of the key.
    pub name: String,
    /// Environment the key belongs to for life.
    pub environment: Environment,
    /// Product instance IDs that tokens of this key may access.
    pub products: Vec<String>,
    /// Whether token requests with this key succeed.
    pub enabled: bool,
    /// Token lifetime in seconds for this key. `None` uses the global lifetimes.
    pub token_lifetime: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_key() -> ApiKey {
        ApiKey {
            client_id: "client-1".to_owned(),
            secret: "very-secret-value".to_owned(),
            name: "test".to_owned(),
            environment: Environment::Sandbox,
            products: vec!["product-1".to_owned()],
            enabled: true,
            token_lifetime: None,
        }
    }

    #[test]
    fn debug_redacts_secrets() {
        let key = sample_key();
        let spec = KeySpec {
            secret: Some("very-secret-value".to_owned()),
            ..KeySpec::default()
        };

        assert!(!format!("{key:?}").contains("very-secret-value"));
        assert!(!format!("{spec:?}").contains("very-secret-value"));
        assert!(format!("{key:?}").contains(REDACTED));
    }

    #[test]
    fn api_key_json_uses_setu_field_names() {
        let json = serde_json::to_value(sample_key()).unwrap_or_default();

        assert_eq!(json["clientID"], "client-1");
        assert_eq!(json["secret"], "very-secret-value");
        assert_eq!(json["environment"], "sandbox");
        assert_eq!(json["tokenLifetime"], serde_json::Value::Null);
    }

    #[test]
    fn key_spec_rejects_unknown_fields() {
        let parsed = serde_json::from_str::<KeySpec>(r#"{"clientId":"x"}"#);

        assert!(parsed.is_err());
    }
}
