'use strict';
// Emulator: the native emulator with checked arguments and errors converted to
// SetuAuthError.

const { inspect } = require('node:util');
const native = require('../native.js');
const { callNative } = require('./errors');
const { checkArguments } = require('./emulator-args');

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
];

// Every emulator that was started and not stopped. Holding them here keeps a server
// running when its Emulator object is no longer referenced; the garbage collector would
// otherwise stop it. Native threads never keep the process alive, so this does not either.
const running = new Set();

/** A local Setu token service on 127.0.0.1 for tests. It runs until stop() or process exit. */
class Emulator {
  #native;

  constructor(options) {
    const args = checkArguments('constructor', [options]);
    this.#native = callNative(() => new native.Emulator(...args));
    running.add(this.#native);
  }

  /** The base URL to pass as `baseUrl`. */
  get url() {
    return this.#native.url;
  }

  /** Stops the server. Calling it again does nothing. */
  stop() {
    running.delete(this.#native);
    this.#native.stop();
  }

  [inspect.custom]() {
    return `Emulator { url: '${this.url}' }`;
  }

  static {
    for (const name of METHODS) {
      const method = native.Emulator.prototype[name];
      Object.defineProperty(Emulator.prototype, name, {
        value: function (...args) {
          const checked = checkArguments(name, args);
          return callNative(() => method.apply(this.#native, checked));
        },
        writable: true,
        configurable: true,
      });
    }
  }
}

module.exports = { Emulator };
