//! Helpers shared by the integration tests: an emulator with one key, an HTTP client
//! for 127.0.0.1, and JWT decoding and verification that use `rsa` directly.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::HeaderMap;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde_json::{Value, json};
use setu_auth_emulator::{ApiKey, Emulator, EmulatorConfig, KeySpec};
use sha2::Sha256;

/// Product instance ID that the default test key has.
pub const PRODUCT: &str = "product-instance-1";

/// Response status, headers and JSON body (`Value::Null` when the body is not JSON).
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Reply {
    /// Returns a header as text, or "" when it is missing.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    /// Returns the Setu envelope's error code, or "" when there is none.
    pub fn error_code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

/// Starts an emulator with default settings and one key that has [`PRODUCT`].
pub fn start_with_key() -> (Emulator, ApiKey) {
    let emulator = start(EmulatorConfig::default());
    let key = create_key(
        &emulator,
        KeySpec {
            products: vec![PRODUCT.to_owned()],
            ..KeySpec::default()
        },
    );
    (emulator, key)
}

/// Starts an emulator or fails the test with the error.
pub fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).unwrap_or_else(|error| panic!("emulator failed to start: {error}"))
}

/// Creates a key or fails the test with the error.
pub fn create_key(emulator: &Emulator, spec: KeySpec) -> ApiKey {
    emulator
        .create_key(spec)
        .unwrap_or_else(|error| panic!("create_key failed: {error}"))
}

/// Returns an HTTP client that never uses a proxy, so requests stay on 127.0.0.1.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap_or_else(|error| panic!("failed to build the HTTP client: {error}"))
}

/// Sends a request and collects the reply.
pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request
        .send()
        .await
        .unwrap_or_else(|error| panic!("request failed: {error}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();

    let bytes = response
        .bytes()
        .await
        .unwrap_or_else(|error| panic!("body failed: {error}"));
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        json,
    }
}

/// Posts `{clientID, secret}` to the v2 token endpoint.
pub async fn post_v2(emulator: &Emulator, client_id: &str, secret: &str) -> Reply {
    let body = json!({ "clientID": client_id, "secret": secret });
    send(
        client()
            .post(format!("{}/api/v2/auth/token", emulator.url()))
            .json(&body),
    )
    .await
}

/// Posts valid login credentials with `client: bridge` to the login endpoint.
pub async fn post_login(emulator: &Emulator, client_id: &str, secret: &str) -> Reply {
    let body =
        json!({ "clientID": client_id, "secret": secret, "grant_type": "client_credentials" });
    let request = client()
        .post(format!("{}/v1/users/login", emulator.url()))
        .header("client", "bridge")
        .json(&body);
    send(request).await
}

/// Fetches a v2 token for `key` or fails the test.
pub async fn v2_token(emulator: &Emulator, key: &ApiKey) -> String {
    let reply = post_v2(emulator, &key.client_id, &key.secret).await;
    assert_eq!(reply.status, 200, "token request failed: {}", reply.json);

    reply.json["data"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Calls the sample endpoint with an optional bearer token and product header.
pub async fn call_sample(emulator: &Emulator, token: Option<&str>, product: Option<&str>) -> Reply {
    let mut request = client().get(format!("{}/api/v2/sample", emulator.url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }

    if let Some(product) = product {
        request = request.header("X-Setu-Product-Instance-ID", product);
    }
    send(request).await
}

/// Decodes one base64url JSON part of a JWT.
pub fn decode_part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD.decode(part).unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// Returns the claims of a JWT without checking the signature.
pub fn claims(token: &str) -> Value {
    decode_part(token, 1)
}

/// Checks an RS256 JWT's signature against a PEM public key.
pub fn signature_is_valid(token: &str, public_key_pem: &str) -> bool {
    let Ok(public_key) = RsaPublicKey::from_public_key_pem(public_key_pem) else {
        return false;
    };
    let Some((signing_input, signature)) = token.rsplit_once('.') else {
        return false;
    };

    let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(signature.as_slice()) else {
        return false;
    };
    let verifying_key = VerifyingKey::<Sha256>::new(public_key);
    verifying_key
        .verify(signing_input.as_bytes(), &signature)
        .is_ok()
}

/// Parses an HTTP date into Unix seconds.
pub fn http_date_seconds(value: &str) -> i64 {
    let time = httpdate::parse_http_date(value)
        .unwrap_or_else(|error| panic!("bad Date {value:?}: {error}"));
    let elapsed = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(elapsed.as_secs()).unwrap_or_default()
}

/// Reads the real wall clock in Unix seconds.
#[allow(clippy::disallowed_methods)] // Tests compare the emulator's skewed clock with the real one.
pub fn real_now() -> i64 {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(elapsed.as_secs()).unwrap_or_default()
}

/// Starts a monotonic stopwatch.
#[allow(clippy::disallowed_methods)] // Tests measure real elapsed time.
pub fn stopwatch() -> std::time::Instant {
    std::time::Instant::now()
}
