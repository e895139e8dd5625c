'use strict';
// authFetch and axiosInterceptor: headers added, one retry after a 401, none after a 403.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const axios = require('axios');
const { authFetch, axiosInterceptor, events } = require('..');
const { setup } = require('./helpers');

test('authFetch sends the bearer token and product instance', async (t) => {
  const { emulator, manager } = setup(t, { manager: { productInstanceId: 'product-a' } });
  const response = await authFetch(manager)(`${emulator.url}/api/v2/sample`);
  const body = await response.json();

  assert.equal(response.status, 200);
  assert.equal(body.data.productInstanceID, 'product-a');
});

test('authFetch keeps caller headers and accepts a Request', async (t) => {
  const { emulator, manager } = setup(t);
  const seen = [];
  const spy = (input, init) => {
    seen.push(new Headers(init.headers));
    return fetch(input, init);
  };
  const request = new Request(`${emulator.url}/api/v2/sample`, { headers: { 'x-extra': '1' } });
  const response = await authFetch(manager, { fetch: spy })(request);

  assert.equal(response.status, 200);
  assert.equal(seen[0].get('x-extra'), '1');
  assert.match(seen[0].get('authorization'), /^Bearer ey/);
});

test('authFetch invalidates and retries exactly once on 401', async (t) => {
  const { emulator, manager } = setup(t);
  const first = await manager.token();
  emulator.setClockSkew(7200);
  const seen = [];
  const onEvent = (event) => seen.push(event);
  events.on('unauthorized', onEvent);
  t.after(() => events.off('unauthorized', onEvent));

  const response = await authFetch(manager)(`${emulator.url}/api/v2/sample`);

  assert.equal(response.status, 200);
  assert.notEqual(await manager.token(), first);
  assert.equal(emulator.stats().apiRequests, 2);
  assert.equal(manager.stats().invalidations, 1);
  assert.equal(seen.length, 1);
});

test('authFetch returns the second 401 without a third try', async (t) => {
  const { emulator, key, manager } = setup(t);
  await manager.token();
  emulator.disableKey(key.clientId);
  const response = await authFetch(manager)(`${emulator.url}/api/v2/sample`).catch((e) => e);

  assert.equal(response.code, 'invalid_credentials');
  assert.equal(emulator.stats().apiRequests, 1);
});

test('authFetch does not refresh on 403', async (t) => {
  const { emulator, manager } = setup(t, { manager: { productInstanceId: 'product-b' } });
  const response = await authFetch(manager)(`${emulator.url}/api/v2/sample`);

  assert.equal(response.status, 403);
  assert.equal(emulator.stats().tokenRequests, 1);
  assert.equal(manager.stats().invalidations, 0);
});

test('authFetch with a fetch that always answers 401 tries twice', async (t) => {
  const { manager } = setup(t);
  let calls = 0;
  const always401 = async () => {
    calls++;
    return new Response('{}', { status: 401 });
  };
  const response = await authFetch(manager, { fetch: always401 })('http://127.0.0.1:9/x');

  assert.equal(response.status, 401);
  assert.equal(calls, 2);
});

test('axiosInterceptor adds headers and retries exactly once on 401', async (t) => {
  const { emulator, manager } = setup(t, { manager: { productInstanceId: 'product-a' } });
  const client = axios.create({ baseURL: emulator.url });
  const eject = axiosInterceptor(manager, client);

  const ok = await client.get('/api/v2/sample');
  assert.equal(ok.data.data.productInstanceID, 'product-a');

  const first = await manager.token();
  emulator.setClockSkew(7200);
  const retried = await client.get('/api/v2/sample');
  assert.equal(retried.status, 200);
  assert.notEqual(await manager.token(), first);
  assert.equal(emulator.stats().apiRequests, 3);

  eject();
  const plain = await client.get('/api/v2/sample', { validateStatus: () => true });
  assert.equal(plain.status, 401);
});

test('axiosInterceptor gives up after one retry and leaves 403 alone', async (t) => {
  const { emulator, manager } = setup(t, { manager: { productInstanceId: 'product-b' } });
  const client = axios.create({ baseURL: emulator.url });
  axiosInterceptor(manager, client);

  await assert.rejects(client.get('/api/v2/sample'), (error) => error.response.status === 403);
  assert.equal(manager.stats().invalidations, 0);

  let calls = 0;
  const always401 = axios.create({
    adapter: async (config) => {
      calls++;
      const response = { status: 401, statusText: 'Unauthorized', data: {}, headers: {}, config };
      throw new axios.AxiosError('401', 'ERR_BAD_REQUEST', config, null, response);
    },
  });
  axiosInterceptor(manager, always401);
  await assert.rejects(always401.get('http://127.0.0.1:9/x'), (error) => error.response.status === 401);
  assert.equal(calls, 2);
});

test('integrations reject wrong arguments', () => {
  assert.throws(() => authFetch({}), { code: 'invalid_argument' });
  assert.throws(() => axiosInterceptor({ authHeaders() {} }, {}), { code: 'invalid_argument' });
});
