'use strict';
// Emulator: the native emulator with errors converted to SetuAuthError.

const { inspect } = require('node:util');
const native = require('../native.js');
const { callNative } = require('./errors');

const METHODS = [
  'createKey',
  'listKeys',
  'disableKey',
  'enableKey',
  'regenerateKey',
  'deleteKey',
  'setTokenLifetime',
  'setLoginTokenLifetime',
  'setKeyTokenLifetime',
  'setClockSkew',
  'pushFault',
  'clearFaults',
  'stats',
  'resetStats',
  'stop',
];

/** A local Setu token service on 127.0.0.1 for tests. */
class Emulator {
  #native;

  constructor(options) {
    this.#native = callNative(() => new native.Emulator(options));
  }

  /** The base URL to pass as `baseUrl`. */
  get url() {
    return this.#native.url;
  }

  [inspect.custom]() {
    return `Emulator { url: '${this.url}' }`;
  }

  static {
    for (const name of METHODS) {
      const method = native.Emulator.prototype[name];
      Object.defineProperty(Emulator.prototype, name, {
        value: function (...args) {
          return callNative(() => method.apply(this.#native, args));
        },
        writable: true,
        configurable: true,
      });
    }
  }
}

module.exports = { Emulator };
