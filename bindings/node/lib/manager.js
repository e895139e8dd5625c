'use strict';
// TokenManager: the engine's manager with a copy of the current token on the JavaScript
// side, kept until the engine's refresh point so that a cached token() does not cross
// into native code. The engine decides every fetch, refresh and expiry.

const { inspect } = require('node:util');
const native = require('../native.js');
const { argumentError, awaitNative, callNative } = require('./errors');
const { checkOptions } = require('./options');

const PRODUCT_INSTANCE_HEADER = 'x-setu-product-instance-id';

// Monotonic milliseconds. A bound reference is cheaper per call than `performance.now()`.
const now = performance.now.bind(performance);

/** Fetches, caches and renews Setu bearer tokens for one API key. */
class TokenManager {
  #native;
  #productInstanceId;
  #token = null;
  #until = 0;
  #generation = 0;
  #hits = 0;

  constructor(options) {
    const checked = checkOptions(options);
    this.#native = callNative(() => new native.TokenManager(checked));
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

    const token = await awaitNative(this.#native.token());
    this.#keep(generation, token, this.#native.refreshIn(token));
    return token;
  }

  /** Keeps a copy of `token` until the engine's refresh point, unless it was dropped since. */
  #keep(generation, token, refreshInMs) {
    if (generation !== this.#generation || refreshInMs == null) return;
    this.#token = token;
    this.#until = now() + refreshInMs;
  }

  #drop() {
    this.#generation++;
    this.#token = null;
    this.#until = 0;
  }

  /** Fetches a new token even if the cached one is still usable. */
  async refresh() {
    this.#drop();
    const generation = this.#generation;
    const token = await awaitNative(this.#native.refresh());
    this.#keep(generation, token, this.#native.refreshIn(token));
    return token;
  }

  /** Reports a token the server rejected with 401; returns whether it was discarded. */
  invalidate(token) {
    if (typeof token !== 'string') {
      throw argumentError(`invalidate takes the rejected token as a string, got a ${typeof token}`);
    }
    this.#drop();
    return this.#native.invalidate(token);
  }

  /** Replaces the API key, for example after it was regenerated. */
  setCredentials(clientId, secret) {
    if (typeof clientId !== 'string' || typeof secret !== 'string') {
      throw argumentError('setCredentials takes the clientID and the secret as strings');
    }
    this.#drop();
    callNative(() => this.#native.setCredentials(clientId, secret));
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
