'use strict';
// Shared test setup: an emulator with one key and a manager pointed at it.

const { Emulator, TokenManager } = require('..');

/** Starts an emulator with one key; `t` stops it after the test. */
function setup(t, { emulator: emulatorOptions, key, manager: managerOptions } = {}) {
  const emulator = new Emulator(emulatorOptions);
  const apiKey = emulator.createKey({ name: 'main', products: ['product-a'], ...key });
  const manager = new TokenManager({
    clientId: apiKey.clientId,
    secret: apiKey.secret,
    baseUrl: emulator.url,
    ...managerOptions,
  });
  t.after(() => {
    manager.close();
    emulator.stop();
  });
  return { emulator, key: apiKey, manager };
}

/** Polls `condition` every 20 ms for up to `ms`. */
async function eventually(condition, ms = 5000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

module.exports = { setup, eventually };
