'use strict';
// TokenManager methods against the emulator.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { SetuAuthError, TokenManager } = require('..');
const { setup } = require('./helpers');

test('token() fetches once and then answers from the cache', async (t) => {
  const { emulator, manager } = setup(t);
  const first = await manager.token();
  for (let i = 0; i < 100; i++) {
    assert.equal(await manager.token(), first);
  }

  assert.equal(emulator.stats().tokenRequests, 1);
  const stats = manager.stats();
  assert.equal(stats.tokenRequests, 1);
  assert.equal(stats.tokenSuccesses, 1);
  assert.equal(stats.cacheHits, 100);
});

test('token() returns a promise and never throws synchronously', (t) => {
  const { manager } = setup(t);
  manager.close();
  const result = manager.token();
  assert.ok(result instanceof Promise);
  return assert.rejects(result, { code: 'closed' });
});

test('token() leaves the event loop free during a slow request', async (t) => {
  const { emulator, manager } = setup(t);
  emulator.pushFault({ action: 'delay', delayMs: 500 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);

  await manager.token();
  clearInterval(timer);

  assert.ok(ticks >= 20, `only ${ticks} timer ticks ran during a 500 ms request`);
});

test('10,000 concurrent token() calls on a cold manager send one request', async (t) => {
  const { emulator, manager } = setup(t);
  emulator.pushFault({ action: 'delay', delayMs: 100 });
  const tokens = await Promise.all(Array.from({ length: 10_000 }, () => manager.token()));

  assert.equal(new Set(tokens).size, 1);
  assert.equal(emulator.stats().tokenRequests, 1);
});

test('refresh() fetches a new token that token() then returns', async (t) => {
  const { emulator, manager } = setup(t);
  const first = await manager.token();
  const second = await manager.refresh();

  assert.notEqual(second, first);
  assert.equal(await manager.token(), second);
  assert.equal(emulator.stats().tokenRequests, 2);
});

test('invalidate() discards only the current token', async (t) => {
  const { manager } = setup(t);
  const first = await manager.token();

  assert.equal(manager.invalidate('some-other-token'), false);
  assert.equal(await manager.token(), first);
  assert.equal(manager.invalidate(first), true);
  assert.notEqual(await manager.token(), first);
  assert.equal(manager.invalidate(first), false);
  assert.equal(manager.stats().invalidations, 1);
});

test('invalidate() and setCredentials() reject arguments of the wrong type', (t) => {
  const { manager } = setup(t);
  assert.throws(() => manager.invalidate(42), { name: 'SetuAuthError', code: 'invalid_argument' });
  assert.throws(() => manager.setCredentials('id'), { code: 'invalid_argument' });
  assert.throws(() => manager.setCredentials('', 'secret'), { code: 'invalid_config' });
});

test('setCredentials() swaps in a regenerated key', async (t) => {
  const { emulator, key, manager } = setup(t);
  const first = await manager.token();
  const fresh = emulator.regenerateKey(key.clientId);

  manager.setCredentials(fresh.clientId, fresh.secret);
  const second = await manager.token();

  assert.notEqual(second, first);
  assert.equal(manager.clientId, fresh.clientId);
});

test('authHeaders() gives the bearer token and the product instance', async (t) => {
  const { manager } = setup(t, { manager: { productInstanceId: 'product-a' } });
  const headers = await manager.authHeaders();
  const token = await manager.token();

  assert.deepEqual(headers, {
    authorization: `Bearer ${token}`,
    'x-setu-product-instance-id': 'product-a',
  });
});

test('close() stops the manager; later calls fail with code closed', async (t) => {
  const { manager } = setup(t);
  await manager.token();
  manager.close();
  manager.close();

  assert.equal(manager.closed, true);
  await assert.rejects(manager.token(), { name: 'SetuAuthError', code: 'closed', retryable: false });
  await assert.rejects(manager.refresh(), { code: 'closed' });
});

test('login flavour tokens work', async (t) => {
  const { emulator, manager } = setup(t, { manager: { flavor: 'login' } });
  assert.match(await manager.token(), /^ey/);
  assert.equal(emulator.stats().loginRequests, 1);
});

test('several managers in one process keep separate caches', async (t) => {
  const a = setup(t);
  const b = setup(t);
  const [tokenA, tokenB] = await Promise.all([a.manager.token(), b.manager.token()]);

  assert.notEqual(tokenA, tokenB);
  a.manager.invalidate(tokenA);
  assert.equal(await b.manager.token(), tokenB);
});

test('wrong credentials fail with Setu details', async (t) => {
  const { manager } = setup(t, { manager: { secret: 'wrong-secret' } });
  const error = await manager.token().catch((e) => e);

  assert.ok(error instanceof SetuAuthError);
  assert.ok(error instanceof Error);
  assert.equal(error.code, 'invalid_credentials');
  assert.equal(error.setuCode, 'invalid-api-key');
  assert.equal(error.status, 400);
  assert.equal(typeof error.traceId, 'string');
  assert.equal(error.retryable, false);
  assert.equal(manager.stats().tokenFailures, 1);
});

test('a 429 is retryable and carries Retry-After', async (t) => {
  const { emulator, manager } = setup(t);
  emulator.pushFault({ action: 'respond', status: 429, headers: { 'Retry-After': '3' } });
  const error = await manager.token().catch((e) => e);

  assert.equal(error.code, 'rate_limited');
  assert.equal(error.status, 429);
  assert.equal(error.retryable, true);
  assert.equal(error.retryAfterMs, 3000);
});

test('a 503 is retryable and the next call recovers', async (t) => {
  const { emulator, manager } = setup(t);
  emulator.pushFault({ action: 'respond', status: 503 });

  await assert.rejects(manager.token(), { code: 'server_error', status: 503, retryable: true });
  assert.match(await manager.token(), /^ey/);
});

test('timeouts and dropped connections are typed errors', async (t) => {
  const { emulator, manager } = setup(t, { manager: { policy: { requestTimeoutMs: 200 } } });
  emulator.pushFault({ action: 'delay', delayMs: 1000 });
  await assert.rejects(manager.token(), { code: 'timeout', retryable: true });

  emulator.pushFault({ action: 'drop' });
  await assert.rejects(manager.token(), { code: 'connection_failed' });
});

test('options: unknown keys, wrong types and bad values are invalid_config', () => {
  const base = { clientId: 'id', secret: 'secret', baseUrl: 'http://127.0.0.1:9' };
  const cases = [
    [undefined, /plain object/],
    [{ ...base, clientID: 'x' }, /unknown option clientID: use one of clientId/],
    [{ ...base, policy: { refreshRatio: 1 } }, /unknown option policy.refreshRatio/],
    [{ ...base, secret: 42 }, /option secret must be a string, got a number/],
    [{ ...base, policy: { minBackoffMs: -1 } }, /policy.minBackoffMs must be a whole number/],
    [{ ...base, policy: 'fast' }, /option policy must be a plain object/],
    [{ clientId: 'id' }, /option secret is required/],
    [{ ...base, environment: 'prod' }, /invalid environment "prod"/],
    [{ ...base, flavor: 'v3' }, /invalid flavor "v3"/],
    [{ ...base, baseUrl: 'http://example.com' }, /plain http/],
    [{ ...base, policy: { refreshShare: 1.5 } }, /option policy.refreshShare is 1.5: use a share/],
    [{ ...base, policy: { maxBackoffMs: 1, minBackoffMs: 10 } }, /policy.maxBackoffMs 1 is below policy.minBackoffMs 10/],
    [{ ...base, maxBodyBytes: 2 ** 40 }, /maxBodyBytes is 1099511627776/],
    [{ ...base, maxBodyBytes: 10 }, /option maxBodyBytes is 10: use a whole number of bytes from 1024/],
  ];

  for (const [options, message] of cases) {
    assert.throws(() => new TokenManager(options), (error) => {
      assert.ok(error instanceof SetuAuthError, String(error));
      assert.equal(error.code, 'invalid_config');
      assert.match(error.message, message);
      return true;
    });
  }
});
