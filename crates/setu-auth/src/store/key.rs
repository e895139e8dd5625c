//! Store keys: one per token endpoint, flavour, clientID and secret, never showing them.

use sha2::{Digest, Sha256};
use url::Url;

use crate::config::Flavor;
use crate::secret::Secret;

/// Version of the key derivation and entry format; a change gives every key a new name.
const KEY_DOMAIN: &[u8] = b"setu-auth token store v1";

/// Returns the store key of a token: 64 hex digits of SHA-256 over the token endpoint
/// (base URL and path), the flavour, the clientID and the secret. Different keys,
/// environments, flavours or a regenerated secret give different store keys, and the key
/// reveals none of them.
pub(crate) fn store_key(
    endpoint: &Url,
    flavor: Flavor,
    client_id: &str,
    secret: &Secret,
) -> String {
    let mut digest = Sha256::new();
    for part in [
        KEY_DOMAIN,
        endpoint.as_str().as_bytes(),
        flavor.as_str().as_bytes(),
        client_id.as_bytes(),
        secret.expose().as_bytes(),
    ] {
        // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part);
    }
    hex(&digest.finalize())
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(base: &str, flavor: Flavor, client: &str, secret: &str) -> String {
        let endpoint = Url::parse(base).expect("url");
        store_key(&endpoint, flavor, client, &Secret::new(secret))
    }

    #[test]
    fn every_input_changes_the_key() {
        let base = key("https://uat.setu.co/t", Flavor::V2, "client", "secret");
        let others = [
            key("https://prod.setu.co/t", Flavor::V2, "client", "secret"),
            key("https://uat.setu.co/t", Flavor::Login, "client", "secret"),
            key("https://uat.setu.co/t", Flavor::V2, "client2", "secret"),
            key("https://uat.setu.co/t", Flavor::V2, "client", "secret2"),
            key("https://uat.setu.co/t", Flavor::V2, "clients", "ecret"),
        ];

        for other in others {
            assert_ne!(base, other);
        }
        assert_eq!(
            base,
            key("https://uat.setu.co/t", Flavor::V2, "client", "secret")
        );
    }

    #[test]
    fn key_is_hex_without_the_secret() {
        let key = key("https://uat.setu.co/t", Flavor::V2, "client", "hunter2pw");

        assert_eq!(key.len(), 64);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
        assert!(!key.contains("hunter2pw") && !key.contains("client"));
    }
}
