// Cost of a cached token() call: setu-auth against a bare napi call returning a stored
// string (the floor) and a pure-JS cache of the kind users write.
//
// Run from bindings/node after a release build: node bench/token.mjs

import { Emulator, TokenManager } from 'setu-auth';
import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);
const native = require('../native.js');

const CALLS = 1_000_000;
const ROUNDS = 7;

/** Nanoseconds per awaited call over one round of CALLS calls. */
async function round(call) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    await call();
  }
  return Number(process.hrtime.bigint() - started) / CALLS;
}

/** Best nanoseconds per call of each candidate, with the candidates' rounds interleaved. */
async function measure(candidates) {
  const best = Object.fromEntries(Object.keys(candidates).map((name) => [name, Infinity]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, call] of Object.entries(candidates)) {
      best[name] = Math.min(best[name], await round(call));
    }
  }
  return best;
}

/** Builds the cache users write: a stored string and a Date.now() check. */
function pureJsCache(fetchToken) {
  let token = null;
  let expiresAt = 0;
  return async function token_() {
    if (token !== null && Date.now() < expiresAt) return token;
    token = await fetchToken();
    expiresAt = Date.now() + 1_500_000;
    return token;
  };
}

async function main() {
  const emulator = new Emulator();
  const key = emulator.createKey();
  const manager = new TokenManager({ clientId: key.clientId, secret: key.secret, baseUrl: emulator.url });
  const token = await manager.token();

  const floor = new native.Emulator();
  const stored = { value: token };
  const bareNapi = async () => floor.url;
  const cache = pureJsCache(async () => stored.value);

  const results = await measure({
    'setu-auth token() (cached)': () => manager.token(),
    'pure-JS cache (string + Date.now())': () => cache(),
    'bare napi getter returning a stored string (floor)': bareNapi,
  });

  const cpu = os.cpus()[0]?.model ?? 'unknown';
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${cpu}`);
  console.log(`best of ${ROUNDS} interleaved rounds x ${CALLS} awaited calls`);
  for (const [name, ns] of Object.entries(results)) {
    console.log(`${name.padEnd(52)} ${ns.toFixed(1)} ns/call`);
  }
  console.log(`emulator token requests: ${emulator.stats().tokenRequests}`);

  manager.close();
  floor.stop();
  emulator.stop();
}

main();
