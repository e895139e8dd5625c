// Latency of a cold token() call (the first call of a new manager, which sends one token
// request to a local emulator), against a plain fetch of the same kind of request. The
// difference is what the addon adds, including waiting for its result by polling.
//
// Run from bindings/node after a release build: node bench/cold.mjs

import { Emulator, TokenManager } from 'setu-auth';
import os from 'node:os';

const CALLS = 200;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(call) {
  const started = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const emulator = new Emulator();
const key = emulator.createKey({ name: 'bench' });
const body = JSON.stringify({ clientID: key.clientId, secret: key.secret });

const cold = [];
const plain = [];
for (let i = 0; i < CALLS; i++) {
  const manager = new TokenManager({ clientId: key.clientId, secret: key.secret, baseUrl: emulator.url });
  cold.push(await timed(() => manager.token()));
  manager.close();

  plain.push(
    await timed(async () => {
      const response = await fetch(`${emulator.url}/api/v2/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.json();
    }),
  );
}
emulator.stop();

console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${os.cpus()[0].model}`);
console.log(`${CALLS} calls, median latency`);
console.log(`setu-auth cold token()          ${median(cold).toFixed(2)} ms`);
console.log(`plain fetch of the token route  ${median(plain).toFixed(2)} ms`);
