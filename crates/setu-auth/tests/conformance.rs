//! Runs the shared scenarios in `tests/conformance/scenarios` through the Rust engine.
//! The format is described in `tests/conformance/README.md`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Map, Value};
use setu_auth::{Config, Error, Flavor, Token, TokenManager};
use setu_auth_emulator::{Emulator, EmulatorConfig, Fault, KeySpec};

type Outcome = Result<(), String>;

#[test]
fn shared_scenarios_pass() {
    let files = scenario_files();
    assert!(files.len() >= 10, "found only {} scenarios", files.len());

    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            run_file(path).err().map(|error| format!("{name}: {error}"))
        })
        .collect();

    assert!(
        failures.is_empty(),
        "failed scenarios:\n{}",
        failures.join("\n")
    );
}

fn scenario_files() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", folder.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn run_file(path: &Path) -> Outcome {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let scenario: Value = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let mut run = Run::start(&scenario)?;
        let steps = scenario["steps"].as_array().cloned().unwrap_or_default();
        for (index, step) in steps.iter().enumerate() {
            run.step(step)
                .await
                .map_err(|error| format!("step {index} ({}): {error}", step["op"]))?;
        }
        Ok(())
    })
}

/// One scenario in progress: its emulator, keys, manager and saved tokens.
struct Run {
    emulator: Emulator,
    keys: HashMap<String, (String, String)>,
    manager: TokenManager,
    saved: HashMap<String, Token>,
}

impl Run {
    fn start(scenario: &Value) -> Result<Self, String> {
        let setup = &scenario["emulator"];
        let mut config = EmulatorConfig::default();
        if let Some(seconds) = setup["tokenLifetime"].as_u64() {
            config.token_lifetime = seconds;
        }
        if let Some(seconds) = setup["loginTokenLifetime"].as_u64() {
            config.login_token_lifetime = seconds;
        }
        let emulator = Emulator::start(config).map_err(|e| e.to_string())?;

        let mut keys = HashMap::new();
        for key in setup["keys"].as_array().into_iter().flatten() {
            let name = key["name"]
                .as_str()
                .ok_or("a key without a name")?
                .to_owned();
            let spec = KeySpec {
                name: name.clone(),
                products: strings(&key["products"]),
                token_lifetime: key["tokenLifetime"].as_u64(),
                ..KeySpec::default()
            };
            let created = emulator.create_key(spec).map_err(|e| e.to_string())?;
            keys.insert(name, (created.client_id, created.secret));
        }

        let manager = build_manager(&scenario["client"], &emulator, &keys)?;
        Ok(Self {
            emulator,
            keys,
            manager,
            saved: HashMap::new(),
        })
    }

    async fn step(&mut self, step: &Value) -> Outcome {
        match step["op"].as_str().unwrap_or_default() {
            "token" => {
                let result = self.manager.token().await;
                self.check_token(step, result)
            }
            "refresh" => {
                let result = self.manager.refresh().await;
                self.check_token(step, result)
            }
            "concurrent_tokens" => self.concurrent_tokens(step).await,
            "invalidate" => {
                let token = self.saved_token(&step["token"])?;
                let discarded = self.manager.invalidate(token.as_str());
                expect_eq(
                    "invalidate result",
                    &Value::Bool(discarded),
                    &step["expect"],
                )
            }
            "set_credentials" => {
                let (id, secret) = self.key(&step["key"])?;
                self.manager
                    .set_credentials(id, secret)
                    .map_err(|e| e.to_string())
            }
            "auth_headers" => self.auth_headers(step).await,
            "call_api" => self.call_api(step).await,
            "stats" => {
                let stats =
                    serde_json::to_value(self.manager.stats()).map_err(|e| e.to_string())?;
                expect_subset("stats", &stats, &step["expect"])
            }
            "emulator_stats" => self.emulator_stats(&step["expect"]),
            "wait_for_emulator_stats" => self.wait_for_emulator_stats(step).await,
            "fault" => {
                let fault: Fault =
                    serde_json::from_value(step["fault"].clone()).map_err(|e| e.to_string())?;
                self.emulator.push_fault(fault);
                Ok(())
            }
            "clear_faults" => {
                self.emulator.clear_faults();
                Ok(())
            }
            "key" => self.key_action(step),
            "set_token_lifetime" => {
                self.emulator.set_token_lifetime(number(&step["seconds"])?);
                Ok(())
            }
            "set_key_token_lifetime" => {
                let (id, _) = self.key(&step["key"])?;
                let seconds = step["seconds"].as_u64();
                self.emulator
                    .set_key_token_lifetime(&id, seconds)
                    .map_err(|e| e.to_string())
            }
            "set_clock_skew" => {
                let seconds = step["seconds"]
                    .as_i64()
                    .ok_or("seconds must be an integer")?;
                self.emulator.set_clock_skew(seconds);
                Ok(())
            }
            "sleep" => {
                tokio::time::sleep(Duration::from_millis(number(&step["ms"])?)).await;
                Ok(())
            }
            "close" => {
                self.manager.close();
                Ok(())
            }
            other => Err(format!("unknown op {other:?}")),
        }
    }

    fn check_token(&mut self, step: &Value, result: Result<Token, Error>) -> Outcome {
        let token = match (result, step.get("expect_error")) {
            (Err(error), Some(expected)) => return check_error(&error, expected),
            (Err(error), None) => return Err(format!("unexpected error: {error:?}")),
            (Ok(_), Some(expected)) => {
                return Err(format!("expected error {expected}, got a token"));
            }
            (Ok(token), None) => token,
        };

        if let Some(name) = step["expect"]["same_as"].as_str() {
            if token != *self.saved_token(&Value::from(name))? {
                return Err(format!("token differs from {name}"));
            }
        }
        if let Some(name) = step["expect"]["differs_from"].as_str() {
            if token == *self.saved_token(&Value::from(name))? {
                return Err(format!("token equals {name}"));
            }
        }
        if let Some(name) = step["save"].as_str() {
            self.saved.insert(name.to_owned(), token);
        }
        Ok(())
    }

    async fn concurrent_tokens(&mut self, step: &Value) -> Outcome {
        let tasks: Vec<_> = (0..number(&step["count"])?)
            .map(|_| {
                let manager = self.manager.clone();
                tokio::spawn(async move { manager.token().await })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.map_err(|e| e.to_string())?);
        }

        if let Some(expected) = step.get("expect_error") {
            return results.iter().try_for_each(|result| match result {
                Err(error) => check_error(error, expected),
                Ok(_) => Err("a caller got a token".into()),
            });
        }
        let tokens: Vec<Token> = results
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(|e| format!("unexpected error: {e:?}"))?;
        if tokens.iter().any(|token| *token != tokens[0]) {
            return Err("callers got different tokens".into());
        }
        if let Some(name) = step["save"].as_str() {
            self.saved.insert(name.to_owned(), tokens[0].clone());
        }
        Ok(())
    }

    async fn auth_headers(&self, step: &Value) -> Outcome {
        let headers = self
            .manager
            .auth_headers()
            .await
            .map_err(|e| format!("{e:?}"))?;
        let expected = step["expect"]
            .as_object()
            .ok_or("expect must be an object")?;

        for (name, value) in expected {
            let wanted = self.fill_tokens(value.as_str().unwrap_or_default())?;
            let actual = headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if actual != wanted {
                return Err(format!("header {name} differs from the expected value"));
            }
        }
        Ok(())
    }

    async fn call_api(&self, step: &Value) -> Outcome {
        let request = reqwest::Client::new().get(format!("{}/api/v2/sample", self.emulator.url()));
        let response = match (self.manager.send(request).await, step.get("expect_error")) {
            (Err(error), Some(expected)) => return check_error(&error, expected),
            (Err(error), None) => return Err(format!("unexpected error: {error:?}")),
            (Ok(response), Some(_)) => {
                return Err(format!("expected an error, got HTTP {}", response.status()));
            }
            (Ok(response), None) => response,
        };

        let status = Value::from(response.status().as_u16());
        expect_eq("status", &status, &step["expect_status"])?;
        if let Some(code) = step["expect_setu_code"].as_str() {
            let body: Value = response.json().await.map_err(|e| e.to_string())?;
            expect_eq("error.code", &body["error"]["code"], &Value::from(code))?;
        }
        Ok(())
    }

    fn emulator_stats(&self, expected: &Value) -> Outcome {
        let stats = serde_json::to_value(self.emulator.stats()).map_err(|e| e.to_string())?;
        expect_subset("emulator stats", &stats, expected)
    }

    async fn wait_for_emulator_stats(&self, step: &Value) -> Outcome {
        let deadline = number(&step["timeout_ms"])? / 20;
        for _ in 0..deadline {
            if self.emulator_stats(&step["expect"]).is_ok() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.emulator_stats(&step["expect"])
    }

    fn key_action(&mut self, step: &Value) -> Outcome {
        let name = step["key"].as_str().ok_or("key must name a key")?;
        let (id, _) = self.key(&step["key"])?;
        let result = match step["action"].as_str().unwrap_or_default() {
            "disable" => self.emulator.disable_key(&id),
            "enable" => self.emulator.enable_key(&id),
            "delete" => self.emulator.delete_key(&id),
            "regenerate" => {
                let fresh = self
                    .emulator
                    .regenerate_key(&id)
                    .map_err(|e| e.to_string())?;
                self.keys
                    .insert(name.to_owned(), (fresh.client_id, fresh.secret));
                Ok(())
            }
            other => return Err(format!("unknown key action {other:?}")),
        };
        result.map_err(|e| e.to_string())
    }

    fn key(&self, name: &Value) -> Result<(String, String), String> {
        let name = name.as_str().ok_or("key must name a key")?;
        self.keys
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no key named {name:?}"))
    }

    fn saved_token(&self, name: &Value) -> Result<&Token, String> {
        let name = name.as_str().ok_or("token must name a saved token")?;
        self.saved
            .get(name)
            .ok_or_else(|| format!("no saved token {name:?}"))
    }

    /// Replaces `{name}` with the saved token `name`.
    fn fill_tokens(&self, template: &str) -> Result<String, String> {
        let mut text = template.to_owned();
        for (name, token) in &self.saved {
            text = text.replace(&format!("{{{name}}}"), token.as_str());
        }
        Ok(text)
    }
}

fn build_manager(
    client: &Value,
    emulator: &Emulator,
    keys: &HashMap<String, (String, String)>,
) -> Result<TokenManager, String> {
    let key_name = client["key"].as_str().ok_or("client.key is required")?;
    let (id, secret) = keys
        .get(key_name)
        .cloned()
        .ok_or("client.key names no key")?;
    let secret = client["secret"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or(secret);

    let mut config = Config::new(id, secret);
    config.base_url = Some(emulator.url());
    if let Some(flavor) = client["flavor"].as_str() {
        config.flavor = flavor.parse::<Flavor>().map_err(|e| e.to_string())?;
    }
    config.product_instance_id = client["productInstanceId"].as_str().map(str::to_owned);
    apply_policy(&mut config, client["policy"].as_object())?;

    TokenManager::new(config).map_err(|e| e.to_string())
}

fn apply_policy(config: &mut Config, policy: Option<&Map<String, Value>>) -> Outcome {
    let ms = |value: &Value| {
        value
            .as_u64()
            .map(Duration::from_millis)
            .ok_or("expected ms")
    };
    for (field, value) in policy.into_iter().flatten() {
        let policy = &mut config.policy;
        match field.as_str() {
            "refreshShare" => policy.refresh_share = value.as_f64().ok_or("expected a number")?,
            "jitterShare" => policy.jitter_share = value.as_f64().ok_or("expected a number")?,
            "minRemainingMs" => policy.min_remaining = ms(value)?,
            "defaultLifetimeMs" => policy.default_lifetime = ms(value)?,
            "minBackoffMs" => policy.min_backoff = ms(value)?,
            "maxBackoffMs" => policy.max_backoff = ms(value)?,
            "negativeTtlMs" => policy.negative_ttl = ms(value)?,
            "maxRetryAfterMs" => policy.max_retry_after = ms(value)?,
            "connectTimeoutMs" => config.connect_timeout = ms(value)?,
            "requestTimeoutMs" => config.request_timeout = ms(value)?,
            other => return Err(format!("unknown policy field {other:?}")),
        }
    }
    Ok(())
}

fn check_error(error: &Error, expected: &Value) -> Outcome {
    let actual = serde_json::json!({
        "code": error.code().as_str(),
        "setu_code": error.setu_code(),
        "status": error.status(),
        "retryable": error.is_retryable(),
    });
    expect_subset("error", &actual, expected)
}

fn expect_subset(what: &str, actual: &Value, expected: &Value) -> Outcome {
    let expected = expected.as_object().ok_or("expect must be an object")?;
    for (field, wanted) in expected {
        expect_eq(&format!("{what}.{field}"), &actual[field], wanted)?;
    }
    Ok(())
}

fn expect_eq(what: &str, actual: &Value, expected: &Value) -> Outcome {
    if actual == expected {
        return Ok(());
    }
    Err(format!("{what} is {actual}, expected {expected}"))
}

fn number(value: &Value) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| format!("expected a whole number, got {value}"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}
