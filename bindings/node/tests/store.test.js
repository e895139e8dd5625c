'use strict';
// The store option: managers sharing one token through a file store and a Redis server
// started by the test, and invalid store settings.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');
const { inspect } = require('node:util');
const { Emulator, TokenManager } = require('..');

const REDIS_PASSWORD = 'redis-pass-do-not-print-42';

/** Starts an emulator with one key; returns it with a function making managers. */
function emulatorWithKey(t) {
  const emulator = new Emulator();
  const key = emulator.createKey({ name: 'main' });
  const managers = [];
  t.after(() => {
    for (const manager of managers) manager.close();
    emulator.stop();
  });
  const makeManager = (store) => {
    const manager = new TokenManager({ clientId: key.clientId, secret: key.secret, baseUrl: emulator.url, store });
    managers.push(manager);
    return manager;
  };
  return { emulator, key, makeManager };
}

async function assertOneRequestBetweenTwo(t, store) {
  const { emulator, makeManager } = emulatorWithKey(t);
  const first = await makeManager(store).token();
  const second = await makeManager(store).token();

  assert.equal(second, first);
  assert.equal(emulator.stats().tokenRequests, 1);
}

test('two managers with one file store make one token request', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'setu-auth-node-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));

  await assertOneRequestBetweenTwo(t, { kind: 'file', dir });
});

test('the memory store is the default and shares nothing', async (t) => {
  const { emulator, makeManager } = emulatorWithKey(t);
  await makeManager({ kind: 'memory' }).token();
  await makeManager(undefined).token();

  assert.equal(emulator.stats().tokenRequests, 2);
});

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts redis-server with a password on a free loopback port; `t` stops it. */
async function startRedis(t) {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const redis = spawn('redis-server', [...args, '--requirepass', REDIS_PASSWORD, '--loglevel', 'warning'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => redis.once('exit', resolve));
  t.after(() => {
    redis.kill();
    return exited;
  });

  for (let attempt = 0; attempt < 200; attempt++) {
    if (await accepts(port)) return port;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not start on port ${port}: install the redis-server package`);
}

test('two managers with one Redis store make one token request', async (t) => {
  const port = await startRedis(t);

  await assertOneRequestBetweenTwo(t, { kind: 'redis', url: `redis://:${REDIS_PASSWORD}@127.0.0.1:${port}/0`, timeoutMs: 2000 });
});

const INVALID = [
  [{ kind: 'disk' }, /option store\.kind is "disk": use 'memory', 'file' or 'redis'/],
  [{}, /option store\.kind is required/],
  [{ kind: 7 }, /option store\.kind must be a string/],
  [{ kind: 'memory', dir: '/tmp' }, /option store\.dir does not apply to the memory store/],
  [{ kind: 'file', url: 'redis://127.0.0.1' }, /option store\.url does not apply to the file store/],
  [{ kind: 'file', dir: 'relative/dir' }, /option store\.dir .*relative/],
  [{ kind: 'file', colour: 'red' }, /unknown option store\.colour/],
  [{ kind: 'redis' }, /option store\.url is required/],
  [{ kind: 'redis', url: 'redis://127.0.0.1', timeoutMs: 0 }, /option store\.timeoutMs is 0/],
  [{ kind: 'redis', url: 'redis://127.0.0.1', timeoutMs: 60_001 }, /option store\.timeoutMs is 60001/],
  [{ kind: 'redis', url: `http://:${REDIS_PASSWORD}@127.0.0.1:6379` }, /option store\.url .*scheme "http"/],
  [{ kind: 'redis', url: 'not a url' }, /option store\.url/],
  ['file', /option store must be a plain object/],
];

test('invalid store settings throw invalid_config naming the option', (t) => {
  const { key } = emulatorWithKey(t);
  for (const [store, message] of INVALID) {
    assert.throws(
      () => new TokenManager({ clientId: key.clientId, secret: key.secret, store }),
      (error) => {
        assert.equal(error.code, 'invalid_config', inspect(store));
        assert.match(error.message, message);
        assert.ok(!inspect(error).includes(REDIS_PASSWORD), inspect(error));
        return true;
      },
    );
  }
});

test('store options are read from own properties only', (t) => {
  const { key } = emulatorWithKey(t);
  const store = Object.create({ kind: 'file' });
  assert.throws(() => new TokenManager({ clientId: key.clientId, secret: key.secret, store }), {
    code: 'invalid_config',
    message: /option store\.kind is required/,
  });
});

test('a manager with a Redis store shows no Redis password', (t) => {
  const { makeManager } = emulatorWithKey(t);
  const manager = makeManager({ kind: 'redis', url: `redis://:${REDIS_PASSWORD}@127.0.0.1:1/0` });

  for (const text of [inspect(manager, { depth: 10, showHidden: true }), String(manager), JSON.stringify(manager)]) {
    assert.ok(!text.includes(REDIS_PASSWORD), text);
  }
});
