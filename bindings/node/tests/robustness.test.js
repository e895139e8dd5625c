'use strict';
// Worker teardown with pending calls, one-shot request bodies, prototype pollution,
// option and argument messages, and the emulator's lifetime.

const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const { Readable } = require('node:stream');
const { test } = require('node:test');
const axios = require('axios');
const { Emulator, SetuAuthError, TokenManager, authFetch, axiosInterceptor } = require('..');
const { setup } = require('./helpers');

function runNode(args, env = process.env) {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr });
    });
  });
}

test('ending workers with pending token calls leaves the process running', async () => {
  const child = await runNode([path.join(__dirname, 'fixtures', 'terminate-workers.js')]);

  assert.equal(child.code, 0, `status ${child.code}: ${child.stderr}`);
  assert.match(child.stdout, /survived 12 workers/);
});

/** Starts a local API that returns 401 for one rejected Authorization value and records bodies. */
async function startApi(t) {
  const api = { rejected: null, bodies: [] };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      api.bodies.push(body);
      response.writeHead(request.headers.authorization === api.rejected ? 401 : 200);
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  api.url = `http://127.0.0.1:${server.address().port}/pay`;
  return api;
}

async function* oneShotBody() {
  yield Buffer.from('{"amount":100}');
}

const ONE_SHOT_BODIES = {
  'an async generator': () => oneShotBody(),
  'a stream.Readable': () => Readable.from(['{"amount":100}']),
};

for (const [label, makeBody] of Object.entries(ONE_SHOT_BODIES)) {
  test(`authFetch returns the 401 of ${label} body without sending it again`, async (t) => {
    const { manager } = setup(t);
    const api = await startApi(t);
    api.rejected = (await manager.authHeaders()).authorization;

    const response = await authFetch(manager)(api.url, { method: 'POST', body: makeBody(), duplex: 'half' });

    assert.equal(response.status, 401);
    assert.deepEqual(api.bodies, ['{"amount":100}']);
    assert.equal(manager.stats().invalidations, 0);
  });
}

test('authFetch still retries a string body after a 401', async (t) => {
  const { manager } = setup(t);
  const api = await startApi(t);
  api.rejected = (await manager.authHeaders()).authorization;

  const response = await authFetch(manager)(api.url, { method: 'POST', body: 'again' });

  assert.equal(response.status, 200);
  assert.deepEqual(api.bodies, ['again', 'again']);
});

test('axiosInterceptor returns the 401 of a stream body without sending it again', async (t) => {
  const { manager } = setup(t);
  const api = await startApi(t);
  const client = axios.create();
  axiosInterceptor(manager, client);
  api.rejected = (await manager.authHeaders()).authorization;

  const error = await client.post(api.url, Readable.from(['{"amount":100}'])).catch((e) => e);

  assert.equal(error.response?.status, 401);
  assert.deepEqual(api.bodies, ['{"amount":100}']);
  assert.equal(manager.stats().invalidations, 0);
});

test('axiosInterceptor still retries a JSON body after a 401', async (t) => {
  const { manager } = setup(t);
  const api = await startApi(t);
  const client = axios.create();
  axiosInterceptor(manager, client);
  api.rejected = (await manager.authHeaders()).authorization;

  const response = await client.post(api.url, { amount: 100 });

  assert.equal(response.status, 200);
  assert.deepEqual(api.bodies, ['{"amount":100}', '{"amount":100}']);
});

test('options on a polluted Object.prototype are ignored', async (t) => {
  const { emulator, key } = setup(t);
  const polluted = { productInstanceId: 'evil', flavor: 'login', refreshShare: 5, maxBodyBytes: 1 };
  for (const [name, value] of Object.entries(polluted)) {
    Object.prototype[name] = value;
  }
  t.after(() => {
    for (const name of Object.keys(polluted)) delete Object.prototype[name];
  });

  const manager = new TokenManager({ clientId: key.clientId, secret: key.secret, baseUrl: emulator.url, policy: {} });
  t.after(() => manager.close());
  const headers = await manager.authHeaders();

  assert.equal(manager.productInstanceId, null);
  assert.deepEqual(Object.keys(headers), ['authorization']);
  assert.equal(emulator.stats().loginRequests, 0);
  assert.equal(emulator.stats().tokenRequests, 1);
});

test('invalid_config messages name the JavaScript options and units', () => {
  const base = { clientId: 'id', secret: 'secret', baseUrl: 'http://127.0.0.1:9' };
  const cases = [
    [{ ...base, clientId: ' ' }, /^option clientId is empty/],
    [{ ...base, clientId: 'a b' }, /^option clientId "a b" contains whitespace/],
    [{ ...base, baseUrl: 'ftp://x' }, /^option baseUrl "ftp:\/\/x" has scheme/],
    [{ ...base, productInstanceId: 'é' }, /^option productInstanceId "é"/],
    [{ ...base, policy: { minRemainingMs: 1e12 } }, /^option policy.minRemainingMs is 1000000000000: use a whole number of milliseconds from 0 up to 86400000/],
    [{ ...base, policy: { requestTimeoutMs: 1e12 } }, /^option policy.requestTimeoutMs is 1000000000000/],
    [{ ...base, policy: { connectTimeoutMs: 0 } }, /^option policy.connectTimeoutMs is 0: use a whole number of milliseconds from 1/],
    [{ ...base, policy: { maxRetryAfterMs: 0 } }, /^option policy.maxRetryAfterMs is 0/],
    [{ ...base, policy: { defaultLifetimeMs: 0 } }, /^option policy.defaultLifetimeMs is 0/],
    [{ ...base, policy: { jitterShare: 0.5 } }, /^option policy.jitterShare is 0.5: use a share from 0 up to but not including 0.5/],
    [{ ...base, policy: { refreshShare: 0.3, jitterShare: 0.4 } }, /^option policy.jitterShare 0.4 is not below policy.refreshShare 0.3/],
    [{ ...base, policy: { refreshShare: 0.9, jitterShare: 0.1 } }, /^options policy.refreshShare 0.9 plus policy.jitterShare 0.1/],
    [{ ...base, policy: { refreshShare: NaN } }, /^option policy.refreshShare must be a finite number, got NaN$/],
    [{ ...base, policy: { minBackoffMs: 5000, maxBackoffMs: 10 } }, /^option policy.maxBackoffMs 10 is below policy.minBackoffMs 5000/],
    [undefined, /^TokenManager options must be a plain object, got undefined$/],
  ];

  for (const [options, message] of cases) {
    assert.throws(() => new TokenManager(options), (error) => {
      assert.ok(error instanceof SetuAuthError, String(error));
      assert.equal(error.code, 'invalid_config');
      assert.match(error.message, message);
      assert.doesNotMatch(error.stack, /client_id|base_url|product_instance_id/);
      return true;
    });
  }
});

test('setCredentials and invalidate fail with closed after close()', () => {
  const manager = new TokenManager({ clientId: 'id', secret: 'secret', baseUrl: 'http://127.0.0.1:9' });
  manager.close();

  assert.throws(() => manager.setCredentials('id2', 'secret2'), { code: 'closed' });
  assert.throws(() => manager.invalidate('token'), { code: 'closed' });
  assert.equal(manager.clientId, 'id');
});

test('authFetch and the fetch it returns accept a null second argument', async (t) => {
  const { emulator, manager } = setup(t);
  const response = await authFetch(manager, null)(`${emulator.url}/api/v2/sample`, null);

  assert.equal(response.status, 200);
});

test('the emulator keeps running after its object is garbage-collected', async () => {
  const script = `
    const { Emulator, TokenManager } = require(${JSON.stringify(path.join(__dirname, '..'))});
    function start() {
      const emulator = new Emulator();
      const key = emulator.createKey({});
      return { url: emulator.url, key };
    }
    const { url, key } = start();
    const manager = new TokenManager({ clientId: key.clientId, secret: key.secret, baseUrl: url });
    global.gc();
    setTimeout(() => global.gc(), 20);
    setTimeout(() => manager.token().then(() => console.log('token'), (e) => console.log(e.code)), 100);
  `;
  const child = await runNode(['--expose-gc', '-e', script]);

  assert.equal(child.code, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'token');
});

test('bad emulator arguments are invalid_argument errors naming the argument', (t) => {
  const emulator = new Emulator();
  t.after(() => emulator.stop());
  const cases = [
    [() => new Emulator({ tokenLifetime: 'x' }), /^options.tokenLifetime must be a whole number of seconds/],
    [() => new Emulator({ bogus: 1 }), /^unknown options field bogus/],
    [() => new Emulator({ tokenLifetime: -1 }), /got -1$/],
    [() => emulator.createKey({ products: 'p' }), /^spec.products must be an array of strings/],
    [() => emulator.disableKey(5), /^clientId must be a string, got 5$/],
    [() => emulator.pushFault({}), /^fault.action is required/],
    [() => emulator.pushFault({ action: 'delay', delayMs: -1 }), /^fault.delayMs must be a whole number/],
    [() => emulator.setTokenLifetime(-5), /^seconds must be a whole number of seconds from 1/],
    [() => emulator.setTokenLifetime(NaN), /got NaN$/],
    [() => emulator.setTokenLifetime(2 ** 32 + 5), /got 4294967301$/],
    [() => emulator.setTokenLifetime(1.7), /got 1.7$/],
    [() => emulator.setLoginTokenLifetime(0), /got 0$/],
    [() => emulator.setKeyTokenLifetime('id', 'long'), /^seconds must be/],
    [() => emulator.setClockSkew(NaN), /got NaN$/],
    [() => emulator.setClockSkew(1e15), /clock skew 1000000000000000 s is out of range/],
  ];

  for (const [call, message] of cases) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof SetuAuthError, String(error));
      assert.equal(error.code, 'invalid_argument');
      assert.match(error.message, message);
      return true;
    });
  }
});
