'use strict';
// TokenManager: the engine's manager with a copy of the current token on the JavaScript
// side, kept until the engine's refresh point so that a cached token() does not cross
// into native code. The engine decides every fetch, refresh and expiry.

const { inspect } = require('node:util');
const native = require('../native.js');
const { argumentError, callNative, closedError, describe } = require('./errors');
const { settle } = require('./pending');
const { checkOptions, withOptionNames } = require('./options');

const PRODUCT_INSTANCE_HEADER = 'x-setu-product-instance-id';

// Monotonic milliseconds. A bound reference is cheaper per call than `performance.now()`.
const now = performance.now.bind(performance);

/** Calls the addon, naming options in invalid_config errors as JavaScript spells them. */
function callWithOptionNames(fn) {
  try {
    return callNative(fn);
  } catch (error) {
    throw withOptionNames(error);
  }
}

/** Fetches, caches and renews Setu bearer tokens for one API key. */
class TokenManager {
  #native;
  #productInstanceId;
  #token = null;
  #until = 0;
  #generation = 0;
  #hits = 0;
  #pending = null;

  constructor(options) {
    const checked = checkOptions(options);
    this.#native = callWithOptionNames(() => new native.TokenManager(checked));
    this.#productInstanceId = this.#native.productInstanceId ?? null;
  }

  /** Resolves to a usable token. The token request runs on native threads, not on the event loop. */
  token() {
    if (now() < this.#until) {
      this.#hits++;
      return Promise.resolve(this.#token);
    }
    return this.#fetch();
  }

  async #fetch() {
    const generation = this.#generation;
    const fresh = this.#native.freshToken();
    if (fresh != null) {
      this.#keep(generation, fresh.token, fresh.refreshInMs);
      return fresh.token;
    }

    // Concurrent callers share one native call and one poller until the copy is dropped.
    if (this.#pending?.generation !== generation) {
      const pending = { generation, promise: null };
      pending.promise = this.#settle(generation, () => this.#native.startToken()).finally(() => {
        if (this.#pending === pending) this.#pending = null;
      });
      this.#pending = pending;
    }
    return this.#pending.promise;
  }

  /** Starts a native call, waits for its handle to settle and keeps the token. */
  async #settle(generation, start) {
    const token = await settle(callNative(start));
    this.#keep(generation, token, this.#native.refreshIn(token));
    return token;
  }

  /** Keeps a copy of `token` until the engine's refresh point, unless it was dropped since. */
  #keep(generation, token, refreshInMs) {
    if (generation !== this.#generation || refreshInMs == null) return;
    this.#token = token;
    this.#until = now() + refreshInMs;
  }

  #failIfClosed() {
    if (this.#native.closed) throw closedError();
  }

  #drop() {
    this.#generation++;
    this.#pending = null;
    this.#token = null;
    this.#until = 0;
  }

  /** Fetches a new token even if the cached one is still usable. */
  async refresh() {
    this.#drop();
    const generation = this.#generation;
    return this.#settle(generation, () => this.#native.startRefresh());
  }

  /** Reports a token the server rejected with 401; returns whether it was discarded. */
  invalidate(token) {
    if (typeof token !== 'string') {
      throw argumentError(`invalidate takes the rejected token as a string, got ${describe(token)}`);
    }
    this.#failIfClosed();
    this.#drop();
    return this.#native.invalidate(token);
  }

  /** Replaces the API key, for example after it was regenerated. */
  setCredentials(clientId, secret) {
    if (typeof clientId !== 'string' || typeof secret !== 'string') {
      throw argumentError('setCredentials takes the clientID and the secret as strings');
    }
    this.#failIfClosed();
    this.#drop();
    callWithOptionNames(() => this.#native.setCredentials(clientId, secret));
  }

  /** Resolves to the headers for a Setu API call. */
  async authHeaders() {
    const headers = { authorization: `Bearer ${await this.token()}` };
    if (this.#productInstanceId !== null) {
      headers[PRODUCT_INSTANCE_HEADER] = this.#productInstanceId;
    }
    return headers;
  }

  /** Returns the manager's counters; cacheHits includes hits served by the copy. */
  stats() {
    const stats = this.#native.stats();
    stats.cacheHits += this.#hits;
    return stats;
  }

  /** Stops background work and drops the cached token. Later calls fail with `closed`. */
  close() {
    this.#drop();
    this.#native.close();
  }

  /** Whether close() was called. */
  get closed() {
    return this.#native.closed;
  }

  /** The clientID in use. */
  get clientId() {
    return this.#native.clientId;
  }

  /** The configured product instance ID, or null. */
  get productInstanceId() {
    return this.#productInstanceId;
  }

  toJSON() {
    return { clientId: this.clientId, closed: this.closed };
  }

  [inspect.custom](depth, options) {
    return `TokenManager ${inspect(this.toJSON(), options)}`;
  }
}

module.exports = { TokenManager };
