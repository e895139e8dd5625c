'use strict';
// The Emulator export that users run in their own tests.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { inspect } = require('node:util');
const { Emulator, TokenManager } = require('..');

function start(t, options) {
  const emulator = new Emulator(options);
  t.after(() => emulator.stop());
  return emulator;
}

function managerFor(t, emulator, key, options = {}) {
  const manager = new TokenManager({ clientId: key.clientId, secret: key.secret, baseUrl: emulator.url, ...options });
  t.after(() => manager.close());
  return manager;
}

test('url, key creation and listing', (t) => {
  const emulator = start(t);
  assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const key = emulator.createKey({ name: 'a', products: ['p'], clientId: 'client-a', secret: 's3cret' });

  assert.equal(key.clientId, 'client-a');
  assert.equal(key.secret, 's3cret');
  const [listed] = emulator.listKeys();
  assert.equal(listed.clientId, 'client-a');
  assert.equal(listed.secret, undefined);
  assert.deepEqual(listed.products, ['p']);
  assert.equal(inspect(emulator), `Emulator { url: '${emulator.url}' }`);
});

test('key lifecycle: disable, enable, regenerate, delete', async (t) => {
  const emulator = start(t);
  const key = emulator.createKey();
  const manager = managerFor(t, emulator, key, { policy: { negativeTtlMs: 0 } });

  emulator.disableKey(key.clientId);
  await assert.rejects(manager.token(), { code: 'invalid_credentials' });
  emulator.enableKey(key.clientId);
  assert.match(await manager.token(), /^ey/);

  const fresh = emulator.regenerateKey(key.clientId);
  assert.notEqual(fresh.secret, key.secret);
  emulator.deleteKey(fresh.clientId);
  assert.equal(emulator.listKeys().length, 0);
  assert.throws(() => emulator.deleteKey('nobody'), { name: 'SetuAuthError', code: 'invalid_argument' });
});

test('token lifetimes: global, login and per key', async (t) => {
  const emulator = start(t, { tokenLifetime: 600, loginTokenLifetime: 120 });
  const key = emulator.createKey();
  emulator.setTokenLifetime(900);
  emulator.setLoginTokenLifetime(60);
  emulator.setKeyTokenLifetime(key.clientId, 30);
  emulator.setKeyTokenLifetime(key.clientId, null);

  const token = await managerFor(t, emulator, key).token();
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));
  assert.equal(claims.exp - claims.iat, 900);
});

test('clock skew moves token times', async (t) => {
  const emulator = start(t);
  const key = emulator.createKey();
  emulator.setClockSkew(3600);

  const token = await managerFor(t, emulator, key).token();
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));
  assert.ok(claims.iat > Date.now() / 1000 + 3000);
});

test('faults, counters and reset', async (t) => {
  const emulator = start(t);
  const key = emulator.createKey();
  const manager = managerFor(t, emulator, key);
  emulator.pushFault({ action: 'respond', status: 500, times: 2 });
  emulator.clearFaults();
  emulator.pushFault({ action: 'respond', status: 502 });

  await assert.rejects(manager.token(), { code: 'server_error', status: 502 });
  await manager.token();
  const stats = emulator.stats();
  assert.equal(stats.tokenRequests, 2);
  assert.equal(stats.faultsApplied, 1);
  assert.equal(stats.tokenFailures, 1);

  emulator.resetStats();
  assert.equal(emulator.stats().tokenRequests, 0);
  assert.throws(() => emulator.pushFault({ action: 'explode' }), { code: 'invalid_argument' });
});

test('stop() ends the server; later calls fail clearly', async (t) => {
  const emulator = new Emulator();
  const key = emulator.createKey();
  emulator.stop();
  emulator.stop();

  assert.throws(() => emulator.stats(), { code: 'invalid_argument', message: /stopped/ });
  const manager = managerFor(t, emulator, key);
  await assert.rejects(manager.token(), { code: 'connection_failed' });
});
