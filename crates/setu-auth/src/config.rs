//! Configuration: where to send token requests, with which credentials, and when to refresh.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use url::{Host, Url};

use crate::error::Error;
use crate::secret::Secret;
use crate::store::StoreConfig;

/// The longest token lifetime the engine accepts from a server: one day. Setu documents
/// 1800 s for the v2 flavour and 300 s for the login flavour.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// A Setu environment. An API key belongs to one environment for life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Environment {
    /// `https://uat.setu.co`.
    #[default]
    Sandbox,
    /// `https://prod.setu.co`.
    Production,
}

impl Environment {
    /// Returns the environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Sandbox => "https://uat.setu.co",
            Self::Production => "https://prod.setu.co",
        }
    }

    /// Returns `sandbox` or `production`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Production => "production",
        }
    }
}

impl FromStr for Environment {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        match value {
            "sandbox" => Ok(Self::Sandbox),
            "production" => Ok(Self::Production),
            other => Err(Error::config(format!(
                "invalid environment {other:?}: use \"sandbox\" or \"production\""
            ))),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The token API flavour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// `POST {base}/api/v2/auth/token` with `{clientID, secret}`; the lifetime comes in
    /// `data.expiresIn`.
    #[default]
    V2,
    /// `POST {base}/v1/users/login` with header `client: bridge`; the lifetime is only
    /// inside the JWT.
    Login,
}

impl Flavor {
    /// Returns `v2` or `login`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2 => "v2",
            Self::Login => "login",
        }
    }

    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::V2 => "/api/v2/auth/token",
            Self::Login => "/v1/users/login",
        }
    }
}

impl FromStr for Flavor {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        match value {
            "v2" => Ok(Self::V2),
            "login" => Ok(Self::Login),
            other => Err(Error::config(format!(
                "invalid flavor {other:?}: use \"v2\" or \"login\""
            ))),
        }
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When tokens are renewed and how failed requests are retried.
#[derive(Clone, Debug, PartialEq)]
pub struct RefreshPolicy {
    /// Share of a token's lifetime after which a background refresh starts. Default 0.75:
    /// a 300 s token is renewed after about 225 s, a 1800 s token after about 1350 s.
    pub refresh_share: f64,
    /// Random spread added to the refresh point, as a share of the lifetime, so that many
    /// processes do not refresh at once. Default 0.05 (plus or minus).
    pub jitter_share: f64,
    /// A token is not handed out once less than this remains of it. Default 10 s, capped
    /// at a tenth of the token's lifetime for very short tokens.
    pub min_remaining: Duration,
    /// Lifetime assumed when the response carries neither `expiresIn` nor a JWT `exp`
    /// claim. Default 300 s, the documented lifetime of login-flavour tokens.
    pub default_lifetime: Duration,
    /// First retry delay of a failed background refresh. Default 500 ms.
    pub min_backoff: Duration,
    /// Largest retry delay; the delay doubles per attempt up to this. Default 30 s.
    pub max_backoff: Duration,
    /// How long a permanent failure (such as `invalid-api-key`) is returned from memory
    /// before the engine asks Setu again. Default 5 s.
    pub negative_ttl: Duration,
    /// Upper bound on a server's `Retry-After`. Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            refresh_share: 0.75,
            jitter_share: 0.05,
            min_remaining: Duration::from_secs(10),
            default_lifetime: Duration::from_secs(300),
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            negative_ttl: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RefreshPolicy {
    /// Checks that every value is in range.
    ///
    /// # Errors
    ///
    /// Returns [`crate::ErrorCode::InvalidConfig`] naming the first invalid field.
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.refresh_share > 0.0 && self.refresh_share < 1.0) {
            return Err(Error::config(format!(
                "invalid refresh_share {}: use a share of the lifetime between 0 and 1, such as 0.75",
                self.refresh_share
            )));
        }
        if !(self.jitter_share >= 0.0 && self.jitter_share < 0.5) {
            return Err(Error::config(format!(
                "invalid jitter_share {}: use a value of at least 0 and below 0.5, such as 0.05",
                self.jitter_share
            )));
        }
        if self.jitter_share >= self.refresh_share {
            return Err(Error::config(format!(
                "jitter_share {} is not below refresh_share {}: the refresh point could fall \
                 before the token is fetched, so lower jitter_share",
                self.jitter_share, self.refresh_share
            )));
        }
        if self.refresh_share + self.jitter_share >= 1.0 {
            return Err(Error::config(format!(
                "refresh_share {} plus jitter_share {} reaches the end of the lifetime: keep their sum below 1",
                self.refresh_share, self.jitter_share
            )));
        }
        check_lifetime("default_lifetime", self.default_lifetime)?;
        check_positive("min_backoff", self.min_backoff)?;
        check_positive("max_retry_after", self.max_retry_after)?;
        for (field, value) in [
            ("min_remaining", self.min_remaining),
            ("min_backoff", self.min_backoff),
            ("max_backoff", self.max_backoff),
            ("negative_ttl", self.negative_ttl),
            ("max_retry_after", self.max_retry_after),
        ] {
            check_at_most_a_day(field, value)?;
        }
        if self.max_backoff < self.min_backoff {
            return Err(Error::config(format!(
                "max_backoff {:?} is below min_backoff {:?}: raise max_backoff",
                self.max_backoff, self.min_backoff
            )));
        }
        Ok(())
    }
}

/// Everything a token manager needs. Build one with [`Config::new`] and adjust the fields,
/// or use [`crate::TokenManager::builder`].
#[derive(Clone, Debug)]
pub struct Config {
    /// The Setu environment whose host receives token requests unless `base_url` is set.
    pub environment: Environment,
    /// Overrides the environment's host, for the emulator or a proxy. Plain `http` is
    /// accepted only for loopback hosts.
    pub base_url: Option<String>,
    /// The token API flavour.
    pub flavor: Flavor,
    /// The API key's clientID.
    pub client_id: String,
    /// The API key's secret.
    pub secret: Secret,
    /// Sent as `X-Setu-Product-Instance-ID` by the header helpers.
    pub product_instance_id: Option<String>,
    /// Refresh and retry timing.
    pub policy: RefreshPolicy,
    /// Time allowed to open a connection. Default 5 s.
    pub connect_timeout: Duration,
    /// Time allowed for a whole token request, including reading the body. Default 10 s.
    pub request_timeout: Duration,
    /// Largest token response body read; a larger one fails as invalid. Default 64 KiB.
    pub max_body_bytes: usize,
    /// Where the token is kept and shared with other processes. Default
    /// [`StoreConfig::Memory`]: this manager's memory only.
    pub store: StoreConfig,
}

impl Config {
    /// Creates a configuration for the sandbox, v2 flavour, with default timing.
    pub fn new(client_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            environment: Environment::Sandbox,
            base_url: None,
            flavor: Flavor::V2,
            client_id: client_id.into(),
            secret: secret.into(),
            product_instance_id: None,
            policy: RefreshPolicy::default(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            max_body_bytes: 64 * 1024,
            store: StoreConfig::Memory,
        }
    }

    /// Checks every field and returns the token endpoint's URL.
    ///
    /// # Errors
    ///
    /// Returns [`crate::ErrorCode::InvalidConfig`] naming the first invalid field and the fix.
    pub fn validate(&self) -> Result<Url, Error> {
        self.check()
            .map_err(|error| error.redacting(self.secret.expose()))
    }

    fn check(&self) -> Result<Url, Error> {
        validate_credentials(&self.client_id, &self.secret)?;
        if let Some(id) = &self.product_instance_id {
            if id.is_empty() {
                return Err(Error::config(
                    "product_instance_id is empty: pass the ID of your product instance, or none",
                ));
            }
            validate_header_value("product_instance_id", id)?;
        }
        self.policy.validate()?;
        for (field, value) in [
            ("connect_timeout", self.connect_timeout),
            ("request_timeout", self.request_timeout),
        ] {
            check_positive(field, value)?;
            check_at_most_a_day(field, value)?;
        }
        if self.max_body_bytes < 1024 {
            return Err(Error::config(format!(
                "max_body_bytes {} is too small for a token response: use at least 1024",
                self.max_body_bytes
            )));
        }

        self.store.validate()?;

        let base = self
            .base_url
            .as_deref()
            .unwrap_or(self.environment.base_url());
        token_endpoint(base, self.flavor)
    }

    /// Returns whether the endpoint's host is a loopback address, which bypasses proxies.
    pub(crate) fn is_loopback(url: &Url) -> bool {
        is_loopback_host(url)
    }
}

/// Checks a clientID and secret pair.
pub(crate) fn validate_credentials(client_id: &str, secret: &Secret) -> Result<(), Error> {
    if client_id.trim().is_empty() {
        return Err(Error::config(
            "client_id is empty: pass the clientID of your Setu API key",
        ));
    }
    validate_header_value("client_id", client_id)?;
    if secret.is_empty() {
        return Err(Error::config(
            "secret is empty: pass the secret of your Setu API key",
        ));
    }
    if secret.expose().chars().any(char::is_control) {
        return Err(Error::config(
            "secret contains control characters: check how it was read (a trailing newline?)",
        ));
    }
    Ok(())
}

fn validate_header_value(field: &str, value: &str) -> Result<(), Error> {
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::config(format!(
            "{field} {value:?} contains whitespace, control or non-ASCII characters: remove them"
        )));
    }
    if value.len() > 256 {
        return Err(Error::config(format!(
            "{field} is {} characters long: Setu identifiers are far shorter, check the value",
            value.len()
        )));
    }
    Ok(())
}

fn token_endpoint(base: &str, flavor: Flavor) -> Result<Url, Error> {
    let shown = without_userinfo(base);
    let url = Url::parse(base).map_err(|error| {
        Error::config(format!(
            "invalid base_url {shown:?}: {error}; use a URL such as https://uat.setu.co"
        ))
    })?;

    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "base_url {shown:?} has user info: remove it, since credentials go in client_id and secret"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "base_url {shown:?} uses plain http for a non-loopback host: use https, since \
                 the secret would travel unencrypted"
            )));
        }
        scheme => {
            return Err(Error::config(format!(
                "base_url {shown:?} has scheme {scheme:?}: use https"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base_url {shown:?} has a query or fragment: give only scheme, host, port and path"
        )));
    }

    let prefix = url.path().trim_end_matches('/');
    let mut endpoint = url.clone();
    endpoint.set_path(&format!("{prefix}{}", flavor.path()));
    Ok(endpoint)
}

/// Returns `base` with anything between `//` and `@` replaced, so error messages never
/// quote a password given in the URL.
fn without_userinfo(base: &str) -> String {
    let Some((scheme, rest)) = base.split_once("//") else {
        return base.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}//[redacted]{}", &rest[at..]),
        None => base.to_owned(),
    }
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn check_positive(field: &str, value: Duration) -> Result<(), Error> {
    if value.is_zero() {
        return Err(Error::config(format!(
            "{field} is zero: use a positive duration"
        )));
    }
    Ok(())
}

fn check_at_most_a_day(field: &str, value: Duration) -> Result<(), Error> {
    if value > MAX_TOKEN_LIFETIME {
        return Err(Error::config(format!(
            "{field} {value:?} exceeds one day: use a duration of seconds or minutes"
        )));
    }
    Ok(())
}

fn check_lifetime(field: &str, value: Duration) -> Result<(), Error> {
    check_positive(field, value)?;
    if value > MAX_TOKEN_LIFETIME {
        return Err(Error::config(format!(
            "{field} {value:?} exceeds the one-day maximum: use Setu's documented 300 s or 1800 s"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn config(base: &str) -> Config {
        let mut config = Config::new("client", "hunter2pw");
        config.base_url = Some(base.to_owned());
        config
    }

    #[test]
    fn environment_urls() {
        let url = Config::new("client", "secret").validate().expect("valid");
        assert_eq!(url.as_str(), "https://uat.setu.co/api/v2/auth/token");

        let mut production = Config::new("client", "secret");
        production.environment = Environment::Production;
        production.flavor = Flavor::Login;
        let url = production.validate().expect("valid");
        assert_eq!(url.as_str(), "https://prod.setu.co/v1/users/login");
    }

    #[test]
    fn http_only_for_loopback() {
        for base in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(config(base).validate().is_ok(), "{base} should be accepted");
        }

        let error = config("http://example.com")
            .validate()
            .expect_err("rejected");
        assert_eq!(error.code(), ErrorCode::InvalidConfig);
        assert!(error.message().contains("plain http"), "{error}");
    }

    #[test]
    fn base_url_path_prefix_kept() {
        let url = config("https://proxy.example/setu/")
            .validate()
            .expect("valid");
        assert_eq!(url.as_str(), "https://proxy.example/setu/api/v2/auth/token");
    }

    #[test]
    fn invalid_values_rejected() {
        let cases: Vec<(Config, &str)> = vec![
            (config("not a url"), "invalid base_url"),
            (config("ftp://127.0.0.1"), "scheme"),
            (Config::new("", "secret"), "client_id is empty"),
            (Config::new("client", ""), "secret is empty"),
            (Config::new("client", "secret\n"), "control characters"),
            (Config::new("cli ent", "secret"), "whitespace"),
            (config("http://:hunter2pw@127.0.0.1:1"), "user info"),
            (config("https://user:hunter2pw@setu.example"), "user info"),
            (config("http://setu.example/hunter2pw"), "plain http"),
        ];

        for (config, expected) in cases {
            let error = config.validate().expect_err(expected);
            assert_eq!(error.code(), ErrorCode::InvalidConfig);
            assert!(error.message().contains(expected), "{error}");
            assert!(!error.message().contains("hunter2pw"), "{error}");
        }
    }

    #[test]
    fn empty_product_instance_rejected() {
        let mut config = Config::new("client", "secret");
        config.product_instance_id = Some(String::new());

        let error = config.validate().expect_err("empty");

        assert!(
            error.message().contains("product_instance_id is empty"),
            "{error}"
        );
    }

    #[test]
    fn policy_ranges_checked() {
        let mut policy = RefreshPolicy {
            refresh_share: 1.5,
            ..RefreshPolicy::default()
        };
        assert!(policy.validate().is_err());

        policy.refresh_share = 0.9;
        policy.jitter_share = 0.2;
        assert!(policy.validate().is_err());

        policy.jitter_share = 0.05;
        policy.max_backoff = Duration::from_millis(1);
        assert!(policy.validate().is_err());

        let low_share = RefreshPolicy {
            refresh_share: 0.02,
            ..RefreshPolicy::default()
        };
        assert!(
            low_share.validate().is_err(),
            "jitter could reach below zero"
        );

        let huge_ttl = RefreshPolicy {
            negative_ttl: Duration::MAX,
            ..RefreshPolicy::default()
        };
        assert!(huge_ttl.validate().is_err());

        assert!(RefreshPolicy::default().validate().is_ok());
    }

    #[test]
    fn secret_never_in_debug() {
        let debug = format!("{:?}", Config::new("client", "super-secret-value"));
        assert!(!debug.contains("super-secret-value"));
    }
}
