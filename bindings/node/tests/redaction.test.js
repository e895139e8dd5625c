'use strict';
// No secret or token in inspect, JSON, messages or stacks of errors and managers.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { inspect } = require('node:util');
const { TokenManager } = require('..');
const { setup } = require('./helpers');

const SECRET = 'do-not-print-this-secret-0123456789';

function assertClean(view, text, secrets) {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${view} contains a secret or token: ${text}`);
  }
}

function views(value) {
  return {
    inspect: inspect(value, { depth: 10, showHidden: true }),
    json: JSON.stringify(value) ?? '',
    string: String(value),
    message: value?.message ?? '',
    stack: value?.stack ?? '',
  };
}

test('a manager shows no secret or token', async (t) => {
  const { manager, key } = setup(t, { key: { secret: SECRET } });
  const token = await manager.token();

  for (const [view, text] of Object.entries(views(manager))) {
    assertClean(view, text, [SECRET, token]);
  }
  assert.match(inspect(manager), /TokenManager \{ clientId: '.+', closed: false \}/);
  assert.deepEqual(Object.keys(manager), []);
});

test('errors of a rejected secret show neither the secret nor a token', async (t) => {
  const { manager, key } = setup(t, { key: { secret: SECRET } });
  const token = await manager.token();
  manager.setCredentials(key.clientId, `${SECRET}-wrong`);
  const error = await manager.token().catch((e) => e);

  assert.equal(error.code, 'invalid_credentials');
  for (const [view, text] of Object.entries(views(error))) {
    assertClean(view, text, [SECRET, token]);
  }
});

test('config errors do not echo the secret', () => {
  const options = { clientId: 'id', secret: SECRET, baseUrl: 'http://example.com', policy: { negativeTtlMs: 'x' } };
  const error = (() => {
    try {
      new TokenManager(options);
    } catch (e) {
      return e;
    }
  })();

  assert.equal(error.code, 'invalid_config');
  for (const [view, text] of Object.entries(views(error))) {
    assertClean(view, text, [SECRET]);
  }
  const control = (() => {
    try {
      new TokenManager({ clientId: 'id', secret: `${SECRET}\n` });
    } catch (e) {
      return e;
    }
  })();
  assert.match(control.message, /control characters/);
  assertClean('message', control.stack, [SECRET]);
});
