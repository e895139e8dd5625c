//! RS256 JSON Web Tokens: signing, verification and the published public key.
//!
//! Tokens are signed by hand (RSASSA-PKCS1-v1_5 with SHA-256 over
//! `base64url(header) "." base64url(claims)`), so no JWT crate is involved.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Environment;
use crate::error::EmulatorError;

/// Value of the `iss` claim.
pub const ISSUER: &str = "setu-auth-emulator";

/// Size of the generated RSA key in bits.
const RSA_KEY_BITS: usize = 2048;

/// Token endpoint that issued a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// `POST /api/v2/auth/token`.
    V2,
    /// `POST /v1/users/login`.
    Login,
}

/// Claims of an emulator token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer, always [`ISSUER`].
    pub iss: String,
    /// Subject: the clientID.
    pub sub: String,
    /// The clientID of the key the token was issued for.
    #[serde(rename = "clientID")]
    pub client_id: String,
    /// Issue time in seconds since the Unix epoch, from the emulator's clock.
    pub iat: i64,
    /// Expiry time in seconds since the Unix epoch, from the emulator's clock.
    pub exp: i64,
    /// Token ID: `<key serial>.<random hex>`. The serial ties the token to one key record.
    pub jti: String,
    /// Product instance IDs of the key.
    pub products: Vec<String>,
    /// Environment of the key.
    pub environment: Environment,
    /// Endpoint that issued the token.
    pub flavor: Flavor,
}

impl Claims {
    /// Returns the key serial encoded at the start of `jti`.
    pub fn key_serial(&self) -> Option<u64> {
        let (serial, _) = self.jti.split_once('.')?;
        serial.parse().ok()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    alg: String,
    typ: String,
    kid: String,
}

/// Reason a token failed verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyError {
    /// The token is not three base64url parts, or its header or claims do not parse.
    Malformed,
    /// The algorithm, key ID or signature does not match this emulator's key.
    BadSignature,
}

/// RS256 signing key of one emulator, with its key ID.
pub struct Signer {
    signing_key: SigningKey<Sha256>,
    verifying_key: VerifyingKey<Sha256>,
    public_key: RsaPublicKey,
    kid: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Generates a new 2048-bit RSA key.
    pub fn generate() -> Result<Self, EmulatorError> {
        let private_key =
            RsaPrivateKey::new(&mut rand::thread_rng(), RSA_KEY_BITS).map_err(|error| {
                EmulatorError::SigningKey {
                    message: error.to_string(),
                }
            })?;
        let public_key = private_key.to_public_key();

        let der = public_key
            .to_public_key_der()
            .map_err(|error| EmulatorError::SigningKey {
                message: error.to_string(),
            })?;
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(der.as_bytes())[..12]);

        Ok(Self {
            signing_key: SigningKey::new(private_key),
            verifying_key: VerifyingKey::new(public_key.clone()),
            public_key,
            kid,
        })
    }

    /// Signs `claims` and returns the compact JWT.
    pub fn sign(&self, claims: &Claims) -> String {
        let header = Header {
            alg: "RS256".to_owned(),
            typ: "JWT".to_owned(),
            kid: self.kid.clone(),
        };
        let signing_input = format!("{}.{}", encode_json(&header), encode_json(claims));

        let signature = self.signing_key.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }

    /// Checks the token's header and signature and returns its claims. Expiry and key
    /// state are the caller's checks.
    pub fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let (signing_input, signature) = token.rsplit_once('.').ok_or(VerifyError::Malformed)?;
        let (header, claims) = signing_input
            .split_once('.')
            .ok_or(VerifyError::Malformed)?;
        if claims.contains('.') {
            return Err(VerifyError::Malformed);
        }

        let header: Header = decode_json(header)?;
        if header.alg != "RS256" || header.kid != self.kid {
            return Err(VerifyError::BadSignature);
        }

        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| VerifyError::Malformed)?;
        let signature =
            Signature::try_from(signature.as_slice()).map_err(|_| VerifyError::BadSignature)?;
        self.verifying_key
            .verify(signing_input.as_bytes(), &signature)
            .map_err(|_| VerifyError::BadSignature)?;

        decode_json(claims)
    }

    /// Returns the public key as a PEM-encoded SubjectPublicKeyInfo.
    pub fn public_key_pem(&self) -> String {
        self.public_key
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// Returns the public key as a JSON Web Key Set with one RS256 key.
    pub fn jwks(&self) -> serde_json::Value {
        let modulus = URL_SAFE_NO_PAD.encode(self.public_key.n().to_bytes_be());
        let exponent = URL_SAFE_NO_PAD.encode(self.public_key.e().to_bytes_be());

        serde_json::json!({
            "keys": [{
                "kty": "RSA",
                "n": modulus,
                "e": exponent,
                "alg": "RS256",
                "use": "sig",
                "kid": self.kid,
            }]
        })
    }
}

fn encode_json<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_json<T: for<'de> Deserialize<'de>>(part: &str) -> Result<T, VerifyError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| VerifyError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| VerifyError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_claims() -> Claims {
        Claims {
            iss: ISSUER.to_owned(),
            sub: "client".to_owned(),
            client_id: "client".to_owned(),
            iat: 1_700_000_000,
            exp: 1_700_001_800,
            jti: "7.abcdef".to_owned(),
            products: vec!["p1".to_owned()],
            environment: Environment::Sandbox,
            flavor: Flavor::V2,
        }
    }

    #[test]
    fn sign_then_verify_round_trips() {
        let signer = Signer::generate().unwrap_or_else(|error| panic!("{error}"));
        let claims = sample_claims();

        let token = signer.sign(&claims);

        assert_eq!(signer.verify(&token), Ok(claims));
    }

    #[test]
    fn verify_rejects_tampering() {
        let signer = Signer::generate().unwrap_or_else(|error| panic!("{error}"));
        let token = signer.sign(&sample_claims());
        let mut forged = sample_claims();
        forged.exp += 1;
        let forged_claims = encode_json(&forged);
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);

        assert_eq!(signer.verify(&tampered), Err(VerifyError::BadSignature));
        assert_eq!(signer.verify("a.b"), Err(VerifyError::Malformed));
        assert_eq!(signer.verify("a.b.c.d"), Err(VerifyError::Malformed));
    }

    #[test]
    fn key_serial_parses_jti_prefix() {
        let mut claims = sample_claims();
        assert_eq!(claims.key_serial(), Some(7));

        claims.jti = "garbage".to_owned();
        assert_eq!(claims.key_serial(), None);
    }
}
