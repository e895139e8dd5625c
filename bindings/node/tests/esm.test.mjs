// The ES module entry exports the same objects as the CommonJS entry.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import setuAuth, { Emulator, SetuAuthError, TokenManager, authFetch, axiosInterceptor, events } from 'setu-auth';

const require = createRequire(import.meta.url);

test('named and default exports match the CommonJS entry', async () => {
  const cjs = require('setu-auth');
  assert.equal(setuAuth, cjs);
  assert.equal(TokenManager, cjs.TokenManager);
  assert.equal(SetuAuthError, cjs.SetuAuthError);
  assert.equal(Emulator, cjs.Emulator);
  assert.equal(authFetch, cjs.authFetch);
  assert.equal(axiosInterceptor, cjs.axiosInterceptor);
  assert.equal(events, cjs.events);

  const emulator = new Emulator();
  const key = emulator.createKey();
  const manager = new TokenManager({ clientId: key.clientId, secret: key.secret, baseUrl: emulator.url });
  assert.match(await manager.token(), /^ey/);
  manager.close();
  emulator.stop();
});
