'use strict';
// Argument checks of the Emulator's methods. The addon's number conversions wrap or
// truncate (2 ** 32 + 5 becomes 5), so every argument is checked here first and a bad
// one is an invalid_argument SetuAuthError naming it.

const { argumentError, describe } = require('./errors');

const U32_MAX = 2 ** 32 - 1;
// The emulator's longest token lifetime: ten years.
const MAX_LIFETIME_S = 10 * 365 * 24 * 60 * 60;

function fail(name, expected, value) {
  return argumentError(`${name} must be ${expected}, got ${typeof value === 'number' ? value : describe(value)}`);
}

const CHECKS = {
  string(name, value) {
    if (typeof value !== 'string') throw fail(name, 'a string', value);
  },
  seconds(name, value) {
    if (!Number.isSafeInteger(value) || value < 1 || value > MAX_LIFETIME_S) {
      throw fail(name, `a whole number of seconds from 1 up to ${MAX_LIFETIME_S}`, value);
    }
  },
  skew(name, value) {
    if (!Number.isSafeInteger(value)) throw fail(name, 'a whole number of seconds (negative moves the clock back)', value);
  },
  count(name, value) {
    if (!Number.isSafeInteger(value) || value < 0 || value > U32_MAX) throw fail(name, 'a whole number from 0 up', value);
  },
  strings(name, value) {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw fail(name, 'an array of strings', value);
    }
  },
  headers(name, value) {
    if (!isPlainObject(value) || !Object.values(value).every((item) => typeof item === 'string')) {
      throw fail(name, 'an object of header names and string values', value);
    }
  },
};

const EMULATOR_OPTIONS = { environment: 'string', tokenLifetime: 'seconds', loginTokenLifetime: 'seconds' };
const KEY_SPEC = { name: 'string', products: 'strings', clientId: 'string', secret: 'string', tokenLifetime: 'seconds' };
const FAULT = {
  action: 'string',
  times: 'count',
  target: 'string',
  status: 'count',
  headers: 'headers',
  body: 'string',
  delayMs: 'count',
};

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an options object against `schema` and returns a copy of its own known keys. */
function checkObject(name, value, schema, required = []) {
  if (!isPlainObject(value)) throw fail(name, 'a plain object', value);

  const copy = Object.create(null);
  for (const [key, item] of Object.entries(value)) {
    if (!Object.hasOwn(schema, key)) {
      throw argumentError(`unknown ${name} field ${key}: use one of ${Object.keys(schema).join(', ')}`);
    }
    if (item === undefined || item === null) continue;
    CHECKS[schema[key]](`${name}.${key}`, item);
    copy[key] = item;
  }
  for (const key of required) {
    if (!(key in copy)) throw argumentError(`${name}.${key} is required`);
  }
  return copy;
}

function optionalObject(name, value, schema) {
  return value === undefined || value === null ? undefined : checkObject(name, value, schema);
}

const clientId = (value) => (CHECKS.string('clientId', value), value);

/** Checks and copies each method's arguments, by method name. */
const ARGUMENTS = {
  constructor: (options) => [optionalObject('options', options, EMULATOR_OPTIONS)],
  createKey: (spec) => [optionalObject('spec', spec, KEY_SPEC)],
  disableKey: (id) => [clientId(id)],
  enableKey: (id) => [clientId(id)],
  regenerateKey: (id) => [clientId(id)],
  deleteKey: (id) => [clientId(id)],
  setTokenLifetime: (seconds) => (CHECKS.seconds('seconds', seconds), [seconds]),
  setLoginTokenLifetime: (seconds) => (CHECKS.seconds('seconds', seconds), [seconds]),
  setKeyTokenLifetime: (id, seconds) => {
    if (seconds != null) CHECKS.seconds('seconds', seconds);
    return [clientId(id), seconds ?? null];
  },
  setClockSkew: (seconds) => (CHECKS.skew('seconds', seconds), [seconds]),
  pushFault: (fault) => [checkObject('fault', fault, FAULT, ['action'])],
};

/** Returns the checked arguments of `method`, or none for a method without arguments. */
function checkArguments(method, args) {
  const check = ARGUMENTS[method];
  return check ? check(...args) : [];
}

module.exports = { checkArguments };
