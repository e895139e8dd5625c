//! Random identifiers: clientIDs, secrets, trace IDs and token IDs.

use rand::distributions::Alphanumeric;
use rand::{Rng, RngCore};

/// Length of generated secrets, in characters.
const SECRET_LENGTH: usize = 40;

/// Returns a random UUID in the version 4 text form, such as clientIDs and trace IDs use.
pub fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;

    let hex = hex_string(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Returns a random alphanumeric secret of [`SECRET_LENGTH`] characters.
pub fn secret() -> String {
    alphanumeric(SECRET_LENGTH)
}

/// Returns `length` random ASCII letters and digits.
pub fn alphanumeric(length: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}

/// Returns `byte_count` random bytes as lowercase hex.
pub fn hex(byte_count: usize) -> String {
    let mut bytes = vec![0u8; byte_count];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex_string(&bytes)
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant() {
        let id = uuid_v4();

        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert!(matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(id, uuid_v4());
    }

    #[test]
    fn secret_is_long_and_alphanumeric() {
        let value = secret();

        assert_eq!(value.len(), SECRET_LENGTH);
        assert!(value.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
