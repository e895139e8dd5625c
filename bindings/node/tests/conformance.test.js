'use strict';
// Runs every shared scenario in tests/conformance/scenarios through the package's public
// API. The format is described in tests/conformance/README.md.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { Emulator, SetuAuthError, TokenManager, authFetch } = require('..');

const FOLDER = path.resolve(__dirname, '../../../tests/conformance/scenarios');
const files = fs.readdirSync(FOLDER).filter((name) => name.endsWith('.json')).sort();

test('the scenario folder is not empty', () => {
  assert.ok(files.length >= 10, `found only ${files.length} scenarios`);
});

for (const file of files) {
  const scenario = JSON.parse(fs.readFileSync(path.join(FOLDER, file), 'utf8'));
  test(`${file}: ${scenario.name}`, async (t) => {
    const run = new Run(scenario);
    t.after(() => run.stop());
    for (const [index, step] of (scenario.steps ?? []).entries()) {
      try {
        await run.step(step);
      } catch (error) {
        error.message = `step ${index} (${step.op}): ${error.message}`;
        throw error;
      }
    }
  });
}

/** One scenario in progress: its emulator, keys, manager and saved tokens. */
class Run {
  constructor(scenario) {
    const setup = scenario.emulator ?? {};
    this.emulator = new Emulator({
      tokenLifetime: setup.tokenLifetime ?? undefined,
      loginTokenLifetime: setup.loginTokenLifetime ?? undefined,
    });
    this.keys = new Map();
    for (const key of setup.keys ?? []) {
      const created = this.emulator.createKey({
        name: key.name,
        products: key.products ?? [],
        tokenLifetime: key.tokenLifetime ?? undefined,
      });
      this.keys.set(key.name, created);
    }
    this.saved = new Map();
    this.manager = this.#manager(scenario.client);
  }

  #manager(client) {
    const key = this.#key(client.key);
    return new TokenManager({
      clientId: key.clientId,
      secret: client.secret ?? key.secret,
      baseUrl: this.emulator.url,
      flavor: client.flavor ?? undefined,
      productInstanceId: client.productInstanceId ?? undefined,
      policy: client.policy ?? undefined,
    });
  }

  stop() {
    this.manager.close();
    this.emulator.stop();
  }

  #key(name) {
    const key = this.keys.get(name);
    assert.ok(key, `no key named ${name}`);
    return key;
  }

  async step(step) {
    const handler = STEPS[step.op];
    assert.ok(handler, `unknown op ${step.op}`);
    await handler.call(this, step);
  }

  async checkToken(step, promise) {
    let token;
    try {
      token = await promise;
    } catch (error) {
      if (!step.expect_error) throw error;
      return checkError(error, step.expect_error);
    }
    assert.ok(!step.expect_error, `expected error ${JSON.stringify(step.expect_error)}, got a token`);

    if (step.expect?.same_as) assert.ok(token === this.saved.get(step.expect.same_as), `token differs from ${step.expect.same_as}`);
    if (step.expect?.differs_from) assert.ok(token !== this.saved.get(step.expect.differs_from), `token equals ${step.expect.differs_from}`);
    if (step.save) this.saved.set(step.save, token);
  }

  async concurrentTokens(step) {
    const calls = Array.from({ length: step.count }, () => this.manager.token());
    const results = await Promise.allSettled(calls);
    if (step.expect_error) {
      for (const result of results) {
        assert.equal(result.status, 'rejected', 'a caller got a token');
        checkError(result.reason, step.expect_error);
      }
      return;
    }

    const rejected = results.find((result) => result.status === 'rejected');
    if (rejected) throw rejected.reason;
    const tokens = new Set(results.map((result) => result.value));
    assert.equal(tokens.size, 1, 'callers got different tokens');
    if (step.save) this.saved.set(step.save, results[0].value);
  }

  fill(template) {
    let text = template;
    for (const [name, token] of this.saved) text = text.replaceAll(`{${name}}`, token);
    return text;
  }

  async callApi(step) {
    const fetch = authFetch(this.manager);
    let response;
    try {
      response = await fetch(`${this.emulator.url}/api/v2/sample`);
    } catch (error) {
      if (!step.expect_error) throw error;
      return checkError(error, step.expect_error);
    }
    assert.ok(!step.expect_error, `expected an error, got HTTP ${response.status}`);

    assert.equal(response.status, step.expect_status);
    const body = await response.json();
    if (step.expect_setu_code) assert.equal(body.error?.code, step.expect_setu_code);
  }

  emulatorStats(expected) {
    assertSubset('emulator stats', snakeCase(this.emulator.stats()), expected);
  }

  async waitForEmulatorStats(step) {
    const deadline = Date.now() + step.timeout_ms;
    while (Date.now() < deadline) {
      try {
        return this.emulatorStats(step.expect);
      } catch {
        await sleep(20);
      }
    }
    this.emulatorStats(step.expect);
  }

  keyAction(step) {
    const key = this.#key(step.key);
    const actions = {
      disable: () => this.emulator.disableKey(key.clientId),
      enable: () => this.emulator.enableKey(key.clientId),
      delete: () => this.emulator.deleteKey(key.clientId),
      regenerate: () => this.keys.set(step.key, this.emulator.regenerateKey(key.clientId)),
    };
    assert.ok(actions[step.action], `unknown key action ${step.action}`);
    actions[step.action]();
  }
}

const STEPS = {
  token(step) {
    return this.checkToken(step, this.manager.token());
  },
  refresh(step) {
    return this.checkToken(step, this.manager.refresh());
  },
  concurrent_tokens(step) {
    return this.concurrentTokens(step);
  },
  invalidate(step) {
    const token = this.saved.get(step.token);
    assert.ok(token, `no saved token ${step.token}`);
    assert.equal(this.manager.invalidate(token), step.expect, 'invalidate result');
  },
  set_credentials(step) {
    const key = this.keys.get(step.key);
    this.manager.setCredentials(key.clientId, key.secret);
  },
  async auth_headers(step) {
    const headers = await this.manager.authHeaders();
    for (const [name, value] of Object.entries(step.expect)) {
      assert.ok(headers[name] === this.fill(value), `header ${name} differs from the expected value`);
    }
  },
  call_api(step) {
    return this.callApi(step);
  },
  stats(step) {
    assertSubset('stats', snakeCase(this.manager.stats()), step.expect);
  },
  emulator_stats(step) {
    this.emulatorStats(step.expect);
  },
  wait_for_emulator_stats(step) {
    return this.waitForEmulatorStats(step);
  },
  fault(step) {
    this.emulator.pushFault(step.fault);
  },
  clear_faults() {
    this.emulator.clearFaults();
  },
  key(step) {
    this.keyAction(step);
  },
  set_token_lifetime(step) {
    this.emulator.setTokenLifetime(step.seconds);
  },
  set_key_token_lifetime(step) {
    this.emulator.setKeyTokenLifetime(this.keys.get(step.key).clientId, step.seconds);
  },
  set_clock_skew(step) {
    this.emulator.setClockSkew(step.seconds);
  },
  sleep(step) {
    return sleep(step.ms);
  },
  close() {
    this.manager.close();
  },
};

function checkError(error, expected) {
  assert.ok(error instanceof SetuAuthError, `expected a SetuAuthError, got ${error}`);
  const actual = {
    code: error.code,
    setu_code: error.setuCode,
    status: error.status,
    retryable: error.retryable,
  };
  assertSubset('error', actual, expected);
}

function assertSubset(label, actual, expected) {
  for (const [name, value] of Object.entries(expected ?? {})) {
    assert.deepEqual(actual[name], value, `${label}: ${name} is ${actual[name]}, expected ${value}`);
  }
}

function snakeCase(object) {
  return Object.fromEntries(
    Object.entries(object).map(([name, value]) => [name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value]),
  );
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
