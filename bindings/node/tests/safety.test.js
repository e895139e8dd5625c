'use strict';
// Process lifetime, worker threads and several managers.

const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const path = require('node:path');
const { test } = require('node:test');
const { Worker } = require('node:worker_threads');
const { Emulator, events } = require('..');

function startEmulator(t, key = {}) {
  const emulator = new Emulator();
  const apiKey = emulator.createKey({ name: 'main', ...key });
  t.after(() => emulator.stop());
  const env = {
    ...process.env,
    SETU_CLIENT_ID: apiKey.clientId,
    SETU_SECRET: apiKey.secret,
    SETU_BASE_URL: emulator.url,
  };
  return { emulator, apiKey, env };
}

function runChild(script, env, timeout) {
  return new Promise((resolve) => {
    const started = Date.now();
    const file = path.join(__dirname, 'fixtures', script);
    execFile(process.execPath, [file], { env, timeout }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('a script that never calls close() exits on its own with status 0', async (t) => {
  const { env } = startEmulator(t);
  const child = await runChild('no-close.js', env, 10_000);

  assert.equal(child.code, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'got a token');
  assert.ok(child.ms < 5000, `took ${child.ms} ms`);
});

test('a long-running process gets its token renewed in the background', async (t) => {
  const { emulator, env } = startEmulator(t, { tokenLifetime: 2 });
  const child = await runChild('long-running.js', env, 15_000);

  assert.equal(child.code, 0, child.stderr);
  const result = JSON.parse(child.stdout);
  assert.equal(result.renewed, true);
  assert.equal(result.requestsBefore, 2, 'the renewal happened before the next token() call');
  assert.equal(result.requestsAfter, 2, 'the next token() call sent no request');
  assert.equal(emulator.stats().tokenRequests, 2);
});

test('managers work inside worker threads', async (t) => {
  const { emulator, apiKey } = startEmulator(t);
  const options = { clientId: apiKey.clientId, secret: apiKey.secret, baseUrl: emulator.url };
  const runs = [1, 2, 3].map(
    () =>
      new Promise((resolve, reject) => {
        const worker = new Worker(path.join(__dirname, 'fixtures', 'worker.js'), { workerData: options });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  const results = await Promise.all(runs);

  for (const result of results) {
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.stats.cacheHits, 1);
  }
  assert.equal(emulator.stats().tokenRequests, 3);
});

test('events report requests and failures without secrets', async (t) => {
  const { emulator, apiKey } = startEmulator(t);
  const { TokenManager } = require('..');
  const manager = new TokenManager({ clientId: apiKey.clientId, secret: apiKey.secret, baseUrl: emulator.url });
  t.after(() => manager.close());
  const seen = [];
  const listener = (event) => seen.push(event);
  events.on('event', listener);
  t.after(() => events.off('event', listener));

  emulator.pushFault({ action: 'respond', status: 503 });
  await manager.token().catch(() => {});
  const token = await manager.token();
  await new Promise((resolve) => setTimeout(resolve, 100));

  const kinds = seen.map((event) => event.kind);
  assert.ok(kinds.includes('request'), kinds.join());
  assert.ok(kinds.includes('failure'), kinds.join());
  assert.ok(kinds.includes('token'), kinds.join());
  const failure = seen.find((event) => event.kind === 'failure');
  assert.equal(failure.code, 'server_error');
  assert.equal(failure.status, 503);
  assert.equal(failure.clientId, apiKey.clientId);
  const text = JSON.stringify(seen);
  assert.ok(!text.includes(apiKey.secret), 'an event contains the secret');
  assert.ok(!text.includes(token), 'an event contains the token');
});

test('background retries are reported as events', async (t) => {
  const { emulator, apiKey } = startEmulator(t, { tokenLifetime: 2 });
  const { TokenManager } = require('..');
  const manager = new TokenManager({
    clientId: apiKey.clientId,
    secret: apiKey.secret,
    baseUrl: emulator.url,
    policy: { jitterShare: 0, minBackoffMs: 50, maxBackoffMs: 100 },
  });
  t.after(() => manager.close());
  const seen = [];
  const listener = (event) => seen.push(event.kind);
  events.on('event', listener);
  t.after(() => events.off('event', listener));

  await manager.token();
  emulator.pushFault({ action: 'respond', status: 503 });
  const deadline = Date.now() + 5000;
  while (!seen.includes('retry') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  assert.ok(seen.includes('refresh'), seen.join());
  assert.ok(seen.includes('retry'), seen.join());
});
