//! The emulator's API keys and their lifecycle: create, disable, enable, regenerate,
//! delete.

use std::collections::HashMap;

use crate::config::{Environment, validate_lifetime};
use crate::error::EmulatorError;
use crate::keys::{ApiKey, KeyInfo, KeySpec};
use crate::random;

/// Maximum length of a clientID, product instance ID or name, in characters.
const MAX_ID_LENGTH: usize = 256;

/// Maximum number of product instance IDs per key.
const MAX_PRODUCTS: usize = 1000;

/// Stored API key.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    /// The key with its secret.
    pub key: ApiKey,
    /// Number that is unique to this record, so a token issued for a deleted or
    /// regenerated key never matches a later key that reuses its clientID.
    pub serial: u64,
    /// Creation order, kept across regeneration, for stable listing.
    order: u64,
}

/// Outcome of checking a clientID and secret.
#[derive(Debug)]
pub enum Credentials<'a> {
    /// The pair is valid and the key is enabled and of the requested environment.
    Valid(&'a KeyRecord),
    /// The pair is unknown, wrong, disabled or of the other environment.
    Invalid,
}

/// All API keys of one emulator, by clientID.
#[derive(Debug)]
pub struct KeyStore {
    default_environment: Environment,
    records: HashMap<String, KeyRecord>,
    next_serial: u64,
}

impl KeyStore {
    /// Creates an empty store whose keys default to `default_environment`.
    pub fn new(default_environment: Environment) -> Self {
        Self {
            default_environment,
            records: HashMap::new(),
            next_serial: 1,
        }
    }

    /// Validates `spec`, fills in defaults and stores the new key.
    pub fn create(&mut self, spec: KeySpec) -> Result<ApiKey, EmulatorError> {
        validate_spec(&spec)?;

        let client_id = match spec.client_id {
            Some(client_id) => client_id,
            None => self.unused_client_id(),
        };
        if self.records.contains_key(&client_id) {
            return Err(EmulatorError::DuplicateClientId { client_id });
        }

        let key = ApiKey {
            client_id,
            secret: spec.secret.unwrap_or_else(random::secret),
            name: spec.name,
            environment: spec.environment.unwrap_or(self.default_environment),
            products: spec.products,
            enabled: true,
            token_lifetime: spec.token_lifetime,
        };
        let serial = self.take_serial();
        self.insert(KeyRecord {
            key: key.clone(),
            serial,
            order: serial,
        });
        Ok(key)
    }

    /// Lists all keys without secrets, oldest first.
    pub fn list(&self) -> Vec<KeyInfo> {
        let mut records: Vec<&KeyRecord> = self.records.values().collect();
        records.sort_by_key(|record| record.order);
        records.iter().map(|record| record.key.info()).collect()
    }

    /// Enables or disables a key.
    pub fn set_enabled(&mut self, client_id: &str, enabled: bool) -> Result<(), EmulatorError> {
        self.get_mut(client_id)?.key.enabled = enabled;
        Ok(())
    }

    /// Sets or clears the per-key token lifetime.
    pub fn set_token_lifetime(
        &mut self,
        client_id: &str,
        seconds: Option<u64>,
    ) -> Result<(), EmulatorError> {
        if let Some(seconds) = seconds {
            validate_lifetime(seconds)?;
        }

        self.get_mut(client_id)?.key.token_lifetime = seconds;
        Ok(())
    }

    /// Replaces a key's clientID and secret with new random ones. The old pair stops
    /// working at once, and tokens issued for it fail verification.
    pub fn regenerate(&mut self, client_id: &str) -> Result<ApiKey, EmulatorError> {
        let mut record = self.remove(client_id)?;

        record.key.client_id = self.unused_client_id();
        record.key.secret = random::secret();
        record.serial = self.take_serial();

        let key = record.key.clone();
        self.insert(record);
        Ok(key)
    }

    /// Deletes a key for good.
    pub fn delete(&mut self, client_id: &str) -> Result<(), EmulatorError> {
        self.remove(client_id).map(drop)
    }

    /// Checks a clientID and secret for a token request in `environment`.
    pub fn check_credentials(
        &self,
        client_id: &str,
        secret: &str,
        environment: Environment,
    ) -> Credentials<'_> {
        let Some(record) = self.records.get(client_id) else {
            return Credentials::Invalid;
        };

        let key = &record.key;
        let secret_matches = constant_time_eq(key.secret.as_bytes(), secret.as_bytes());
        if secret_matches && key.enabled && key.environment == environment {
            Credentials::Valid(record)
        } else {
            Credentials::Invalid
        }
    }

    /// Returns the enabled key that a token with this clientID and key serial was
    /// issued for, or `None` when that key was disabled, deleted or regenerated.
    pub fn find_live(&self, client_id: &str, serial: u64) -> Option<&KeyRecord> {
        self.records
            .get(client_id)
            .filter(|record| record.serial == serial && record.key.enabled)
    }

    fn get_mut(&mut self, client_id: &str) -> Result<&mut KeyRecord, EmulatorError> {
        self.records
            .get_mut(client_id)
            .ok_or_else(|| unknown_client_id(client_id))
    }

    fn remove(&mut self, client_id: &str) -> Result<KeyRecord, EmulatorError> {
        self.records
            .remove(client_id)
            .ok_or_else(|| unknown_client_id(client_id))
    }

    fn insert(&mut self, record: KeyRecord) {
        self.records.insert(record.key.client_id.clone(), record);
    }

    fn take_serial(&mut self) -> u64 {
        let serial = self.next_serial;
        self.next_serial += 1;
        serial
    }

    fn unused_client_id(&self) -> String {
        loop {
            let candidate = random::uuid_v4();
            if !self.records.contains_key(&candidate) {
                return candidate;
            }
        }
    }
}

fn unknown_client_id(client_id: &str) -> EmulatorError {
    EmulatorError::UnknownClientId {
        client_id: client_id.to_owned(),
    }
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    if left.len() != right.len() {
        return false;
    }

    let difference = left
        .iter()
        .zip(right)
        .fold(0u8, |accumulator, (a, b)| accumulator | (a ^ b));
    difference == 0
}

fn validate_spec(spec: &KeySpec) -> Result<(), EmulatorError> {
    if let Some(client_id) = &spec.client_id {
        validate_client_id(client_id)?;
    }

    if let Some(secret) = &spec.secret {
        validate_secret(secret)?;
    }

    validate_text("name", &spec.name, 0)?;
    validate_products(&spec.products)?;

    if let Some(seconds) = spec.token_lifetime {
        validate_lifetime(seconds)?;
    }
    Ok(())
}

fn validate_client_id(client_id: &str) -> Result<(), EmulatorError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-');
    let length_ok = (1..=MAX_ID_LENGTH).contains(&client_id.len());

    if length_ok && client_id.chars().all(allowed) {
        return Ok(());
    }
    Err(EmulatorError::InvalidKeySpec {
        field: "clientID",
        reason: format!(
            "{client_id:?} must be 1 to {MAX_ID_LENGTH} letters, digits, '.', '_', '~' or '-'; \
             use a UUID or leave it unset"
        ),
    })
}

/// Checks a secret without ever putting its value into the error.
fn validate_secret(secret: &str) -> Result<(), EmulatorError> {
    let length_ok = (1..=MAX_ID_LENGTH).contains(&secret.chars().count());

    if length_ok && !secret.chars().any(char::is_control) {
        return Ok(());
    }
    Err(EmulatorError::InvalidKeySpec {
        field: "secret",
        reason: format!(
            "the secret must be 1 to {MAX_ID_LENGTH} characters without control characters; \
             leave it unset to get a random one"
        ),
    })
}

fn validate_products(products: &[String]) -> Result<(), EmulatorError> {
    if products.len() > MAX_PRODUCTS {
        return Err(EmulatorError::InvalidKeySpec {
            field: "products",
            reason: format!(
                "{} entries is more than the maximum of {MAX_PRODUCTS}",
                products.len()
            ),
        });
    }

    products
        .iter()
        .try_for_each(|product| validate_text("products", product, 1))
}

/// Checks that a name or product ID has `min_length` to [`MAX_ID_LENGTH`] characters
/// and no control characters.
fn validate_text(field: &'static str, value: &str, min_length: usize) -> Result<(), EmulatorError> {
    let length_ok = (min_length..=MAX_ID_LENGTH).contains(&value.chars().count());

    if length_ok && !value.chars().any(char::is_control) {
        return Ok(());
    }
    Err(EmulatorError::InvalidKeySpec {
        field,
        reason: format!(
            "{value:?} must be {min_length} to {MAX_ID_LENGTH} characters without control characters"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_key() -> (KeyStore, ApiKey) {
        let mut store = KeyStore::new(Environment::Sandbox);
        let key = store.create(KeySpec::default());
        (
            store,
            key.unwrap_or_else(|error| panic!("create failed: {error}")),
        )
    }

    #[test]
    fn create_fills_defaults() {
        let (_, key) = store_with_key();

        assert_eq!(key.client_id.len(), 36);
        assert!(key.secret.len() >= 32);
        assert_eq!(key.environment, Environment::Sandbox);
        assert!(key.enabled);
    }

    #[test]
    fn create_rejects_duplicate_client_id() {
        let (mut store, key) = store_with_key();
        let spec = KeySpec {
            client_id: Some(key.client_id),
            ..KeySpec::default()
        };

        let result = store.create(spec);

        assert!(matches!(
            result,
            Err(EmulatorError::DuplicateClientId { .. })
        ));
    }

    #[test]
    fn create_rejects_bad_client_id() {
        let mut store = KeyStore::new(Environment::Sandbox);
        let spec = KeySpec {
            client_id: Some("a/b".to_owned()),
            ..KeySpec::default()
        };

        let result = store.create(spec);

        assert!(matches!(
            result,
            Err(EmulatorError::InvalidKeySpec {
                field: "clientID",
                ..
            })
        ));
    }

    #[test]
    fn regenerate_retires_old_pair() {
        let (mut store, old) = store_with_key();
        let old_serial = store.records[&old.client_id].serial;

        let new = store
            .regenerate(&old.client_id)
            .unwrap_or_else(|error| panic!("{error}"));

        assert_ne!(new.client_id, old.client_id);
        assert_ne!(new.secret, old.secret);
        assert!(matches!(
            store.check_credentials(&old.client_id, &old.secret, Environment::Sandbox),
            Credentials::Invalid
        ));
        assert!(store.find_live(&new.client_id, old_serial).is_none());
    }

    #[test]
    fn credentials_check_environment_and_state() {
        let (mut store, key) = store_with_key();
        let check = |store: &KeyStore, environment| {
            matches!(
                store.check_credentials(&key.client_id, &key.secret, environment),
                Credentials::Valid(_)
            )
        };

        assert!(check(&store, Environment::Sandbox));
        assert!(!check(&store, Environment::Production));

        store
            .set_enabled(&key.client_id, false)
            .unwrap_or_else(|error| panic!("{error}"));
        assert!(!check(&store, Environment::Sandbox));
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
