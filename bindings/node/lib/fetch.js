'use strict';
// authFetch: a fetch that adds the auth headers and, on a 401, reports the token and
// retries once with a new one.

const { argumentError } = require('./errors');
const { emit } = require('./events');

/**
 * Returns a fetch-compatible function for Setu APIs. Options: `fetch`, the function to
 * wrap (default: the global fetch).
 */
function authFetch(manager, options) {
  const base = options?.fetch ?? globalThis.fetch;
  if (typeof manager?.authHeaders !== 'function') {
    throw argumentError('authFetch takes a TokenManager as its first argument');
  }
  if (typeof base !== 'function') {
    throw argumentError('authFetch needs a fetch function: pass { fetch } on this Node version');
  }

  return async function setuFetch(input, init) {
    init ??= {};
    const first = await send(manager, base, input, init);
    if (first.response.status !== 401 || !replayable(init)) {
      return first.response;
    }

    manager.invalidate(first.token);
    emit({ kind: 'unauthorized', level: 'debug', message: 'the API returned 401, so the request is sent again with a new token' });
    await first.response.body?.cancel();
    return (await send(manager, base, input, init)).response;
  };
}

async function send(manager, base, input, init) {
  const auth = await manager.authHeaders();
  const fromRequest = input instanceof Request ? input.headers : undefined;
  const headers = new Headers(init.headers ?? fromRequest);
  for (const [name, value] of Object.entries(auth)) {
    headers.set(name, value);
  }

  const target = input instanceof Request ? input.clone() : input;
  const response = await base(target, { ...init, headers });
  return { response, token: auth.authorization.slice('Bearer '.length) };
}

/**
 * Checks whether the body can be sent again. Strings, buffers, typed arrays, Blob,
 * FormData and URLSearchParams can. The first send reads any other body, such as a stream
 * or an async iterable.
 */
function replayable(init) {
  return isReplayable(init.body);
}

function isReplayable(body) {
  if (body == null || typeof body === 'string') return true;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (typeof SharedArrayBuffer === 'function' && body instanceof SharedArrayBuffer) return true;
  return body instanceof Blob || body instanceof FormData || body instanceof URLSearchParams;
}

module.exports = { authFetch, isReplayable };
