'use strict';
// Checks the options object of `new TokenManager({...})` for unknown keys and wrong types
// before it crosses into the addon, which checks the values.

const { configError } = require('./errors');

const TOP_LEVEL = {
  clientId: 'string',
  secret: 'string',
  environment: 'string',
  baseUrl: 'string',
  flavor: 'string',
  productInstanceId: 'string',
  policy: 'object',
  maxBodyBytes: 'integer',
};

const POLICY = {
  refreshShare: 'number',
  jitterShare: 'number',
  minRemainingMs: 'integer',
  defaultLifetimeMs: 'integer',
  minBackoffMs: 'integer',
  maxBackoffMs: 'integer',
  negativeTtlMs: 'integer',
  maxRetryAfterMs: 'integer',
  connectTimeoutMs: 'integer',
  requestTimeoutMs: 'integer',
};

const REQUIRED = ['clientId', 'secret'];

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

const EXPECTED_TYPE = {
  string: 'a string',
  number: 'a finite number',
  integer: 'a whole number from 0 up',
  object: 'a plain object',
};

function hasType(value, type) {
  if (type === 'integer') return Number.isSafeInteger(value) && value >= 0;
  if (type === 'number') return Number.isFinite(value);
  if (type === 'object') return isPlainObject(value);
  return typeof value === type;
}

function checkType(name, value, type) {
  if (!hasType(value, type)) {
    throw configError(`option ${name} must be ${EXPECTED_TYPE[type]}, got ${describe(value)}`);
  }
}

/** Copies the known keys of `section`, throwing an invalid_config error on anything else. */
function pick(section, schema, prefix) {
  const picked = {};
  for (const [key, value] of Object.entries(section)) {
    if (!Object.hasOwn(schema, key)) {
      const known = Object.keys(schema).join(', ');
      throw configError(`unknown option ${prefix}${key}: use one of ${known}`);
    }
    if (value === undefined || value === null) continue;
    checkType(prefix + key, value, schema[key]);
    picked[key] = value;
  }
  return picked;
}

/** Returns a checked copy of the options for the addon. */
function checkOptions(options) {
  if (!isPlainObject(options)) {
    throw configError(`TokenManager options must be a plain object, got ${describe(options)}`);
  }

  const checked = pick(options, TOP_LEVEL, '');
  for (const key of REQUIRED) {
    if (!(key in checked)) {
      throw configError(`option ${key} is required: pass the ${key} of your Setu API key`);
    }
  }
  if (checked.policy) {
    checked.policy = pick(checked.policy, POLICY, 'policy.');
  }
  return checked;
}

module.exports = { checkOptions };
