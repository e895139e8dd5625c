//! Issued JWTs: signature, header, claims, lifetimes and clock skew.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{PRODUCT, create_key, post_login, post_v2, start, start_with_key, v2_token};
use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use setu_auth_emulator::{EmulatorConfig, KeySpec};

fn lifetime_of(token: &str) -> i64 {
    let claims = common::claims(token);
    claims["exp"].as_i64().unwrap_or_default() - claims["iat"].as_i64().unwrap_or_default()
}

#[tokio::test]
async fn signature_verifies_with_public_key() {
    let (emulator, key) = start_with_key();
    let other = start(EmulatorConfig::default());

    let token = v2_token(&emulator, &key).await;

    assert!(common::signature_is_valid(
        &token,
        &emulator.public_key_pem()
    ));
    assert!(!common::signature_is_valid(&token, &other.public_key_pem()));
}

#[tokio::test]
async fn tampered_token_fails_verification() {
    let (emulator, key) = start_with_key();
    let token = v2_token(&emulator, &key).await;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = common::claims(&token);
    claims["products"] = serde_json::json!(["something-else"]);

    let forged_claims = URL_SAFE_NO_PAD.encode(claims.to_string());
    let forged = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);

    assert!(!common::signature_is_valid(
        &forged,
        &emulator.public_key_pem()
    ));
}

#[tokio::test]
async fn header_names_rs256_and_kid() {
    let (emulator, key) = start_with_key();

    let token = v2_token(&emulator, &key).await;
    let header = common::decode_part(&token, 0);
    let jwks = emulator.jwks();

    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["kid"], jwks["keys"][0]["kid"]);
}

#[tokio::test]
async fn jwks_matches_pem() {
    let emulator = start(EmulatorConfig::default());
    let jwks = emulator.jwks();
    let jwk = &jwks["keys"][0];
    let public_key = RsaPublicKey::from_public_key_pem(&emulator.public_key_pem())
        .unwrap_or_else(|error| panic!("PEM does not parse: {error}"));

    let modulus = URL_SAFE_NO_PAD.encode(public_key.n().to_bytes_be());
    let exponent = URL_SAFE_NO_PAD.encode(public_key.e().to_bytes_be());

    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["n"], modulus);
    assert_eq!(jwk["e"], exponent);
    assert_eq!(public_key.size(), 256);
    assert!(
        emulator
            .public_key_pem()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
}

#[tokio::test]
async fn claims_describe_key_and_flavor() {
    let (emulator, key) = start_with_key();

    let token = v2_token(&emulator, &key).await;
    let claims = common::claims(&token);
    let now = common::real_now();

    assert_eq!(claims["iss"], "setu-auth-emulator");
    assert_eq!(claims["sub"], key.client_id.as_str());
    assert_eq!(claims["clientID"], key.client_id.as_str());
    assert_eq!(claims["products"], serde_json::json!([PRODUCT]));
    assert_eq!(claims["environment"], "sandbox");
    assert_eq!(claims["flavor"], "v2");
    assert!(claims["jti"].as_str().is_some_and(|jti| !jti.is_empty()));
    assert!((claims["iat"].as_i64().unwrap_or_default() - now).abs() <= 5);
    assert_eq!(lifetime_of(&token), 1800);
}

#[tokio::test]
async fn jti_differs_per_token() {
    let (emulator, key) = start_with_key();

    let first = common::claims(&v2_token(&emulator, &key).await);
    let second = common::claims(&v2_token(&emulator, &key).await);

    assert_ne!(first["jti"], second["jti"]);
}

#[tokio::test]
async fn global_lifetimes_apply_per_flavor() {
    let (emulator, key) = start_with_key();

    emulator.set_token_lifetime(120);
    emulator.set_login_token_lifetime(60);
    let v2 = post_v2(&emulator, &key.client_id, &key.secret).await;
    let login = post_login(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(v2.json["data"]["expiresIn"], 120);
    assert_eq!(
        lifetime_of(v2.json["data"]["token"].as_str().unwrap_or_default()),
        120
    );
    assert_eq!(
        lifetime_of(login.json["access_token"].as_str().unwrap_or_default()),
        60
    );
}

#[tokio::test]
async fn invalid_global_lifetime_is_ignored() {
    let (emulator, key) = start_with_key();

    emulator.set_token_lifetime(0);
    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(reply.json["data"]["expiresIn"], 1800);
}

#[tokio::test]
async fn key_lifetime_overrides_both_flavors() {
    let (emulator, key) = start_with_key();
    let short = create_key(
        &emulator,
        KeySpec {
            token_lifetime: Some(45),
            ..KeySpec::default()
        },
    );

    emulator
        .set_key_token_lifetime(&key.client_id, Some(90))
        .unwrap_or_else(|error| panic!("{error}"));
    let v2 = post_v2(&emulator, &key.client_id, &key.secret).await;
    let login = post_login(&emulator, &key.client_id, &key.secret).await;
    let from_spec = post_v2(&emulator, &short.client_id, &short.secret).await;

    assert_eq!(v2.json["data"]["expiresIn"], 90);
    assert_eq!(
        lifetime_of(login.json["access_token"].as_str().unwrap_or_default()),
        90
    );
    assert_eq!(from_spec.json["data"]["expiresIn"], 45);
}

#[tokio::test]
async fn cleared_key_lifetime_falls_back_to_global() {
    let (emulator, key) = start_with_key();

    emulator
        .set_key_token_lifetime(&key.client_id, Some(90))
        .unwrap_or_else(|error| panic!("{error}"));
    emulator
        .set_key_token_lifetime(&key.client_id, None)
        .unwrap_or_else(|error| panic!("{error}"));
    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;

    assert_eq!(reply.json["data"]["expiresIn"], 1800);
}

#[tokio::test]
async fn key_lifetime_rejects_zero_and_unknown_key() {
    let (emulator, key) = start_with_key();

    let zero = emulator.set_key_token_lifetime(&key.client_id, Some(0));
    let unknown = emulator.set_key_token_lifetime("nobody", Some(10));

    assert!(zero.is_err_and(|error| error.to_string().contains('0')));
    assert!(unknown.is_err_and(|error| error.to_string().contains("nobody")));
}

#[tokio::test]
async fn clock_skew_moves_iat_exp_and_date() {
    let (emulator, key) = start_with_key();
    let skew = 7200;

    emulator.set_clock_skew(skew);
    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;
    let claims = common::claims(reply.json["data"]["token"].as_str().unwrap_or_default());
    let now = common::real_now();

    let iat = claims["iat"].as_i64().unwrap_or_default();
    assert!(
        (iat - (now + skew)).abs() <= 5,
        "iat {iat}, expected about {}",
        now + skew
    );
    assert_eq!(claims["exp"].as_i64().unwrap_or_default(), iat + 1800);
    let date = common::http_date_seconds(reply.header("date"));
    assert!(
        (date - (now + skew)).abs() <= 5,
        "Date {}",
        reply.header("date")
    );
}

#[tokio::test]
async fn negative_clock_skew_moves_date_back() {
    let (emulator, key) = start_with_key();

    emulator.set_clock_skew(-86_400);
    let reply = post_v2(&emulator, &key.client_id, &key.secret).await;

    let date = common::http_date_seconds(reply.header("date"));
    assert!(
        (date - (common::real_now() - 86_400)).abs() <= 5,
        "Date {}",
        reply.header("date")
    );
}
