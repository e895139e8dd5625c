'use strict';
// Checks the options object of `new TokenManager({...})` and copies it for the addon.
//
// Only own properties are read, and the copies have no prototype, so a polluted
// Object.prototype cannot add an option (such as a baseUrl that would receive the secret).
// The values the JavaScript side converts (milliseconds, shares, sizes) are checked here,
// so that messages name the JavaScript options; the engine checks the rest again.

const { configError, describe } = require('./errors');

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

const TOP_LEVEL = {
  clientId: 'string',
  secret: 'string',
  environment: 'string',
  baseUrl: 'string',
  flavor: 'string',
  productInstanceId: 'string',
  policy: 'object',
  maxBodyBytes: 'integer',
  store: 'object',
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

const STORE = {
  kind: 'string',
  dir: 'string',
  url: 'string',
  timeoutMs: 'integer',
};

// The options each store kind accepts besides `kind`.
const STORE_KINDS = { memory: [], file: ['dir'], redis: ['url', 'timeoutMs'] };

const MAX_REDIS_TIMEOUT_MS = 60_000;

// The smallest accepted value of each duration; every duration is at most one day.
const MIN_MS = {
  minRemainingMs: 0,
  defaultLifetimeMs: 1,
  minBackoffMs: 1,
  maxBackoffMs: 0,
  negativeTtlMs: 0,
  maxRetryAfterMs: 1,
  connectTimeoutMs: 1,
  requestTimeoutMs: 1,
};

// The documented defaults, for the checks that relate two options.
const DEFAULTS = { refreshShare: 0.75, jitterShare: 0.05, minBackoffMs: 500, maxBackoffMs: 30_000 };

const MIN_BODY_BYTES = 1024;
const MAX_BODY_BYTES = 2 ** 32 - 1;

const REQUIRED = ['clientId', 'secret'];

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/** Copies the own keys of `section` into an object without a prototype, checking types. */
function pick(section, schema, prefix) {
  const picked = Object.create(null);
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

function checkTopLevel(checked) {
  for (const key of REQUIRED) {
    if (!Object.hasOwn(checked, key)) {
      throw configError(`option ${key} is required: pass the ${key} of your Setu API key`);
    }
    if ((key === 'clientId' ? checked[key].trim() : checked[key]) === '') {
      throw configError(`option ${key} is empty: pass the ${key} of your Setu API key`);
    }
  }

  const bytes = checked.maxBodyBytes;
  if (bytes !== undefined && (bytes < MIN_BODY_BYTES || bytes > MAX_BODY_BYTES)) {
    throw configError(
      `option maxBodyBytes is ${bytes}: use a whole number of bytes from ${MIN_BODY_BYTES} up to ${MAX_BODY_BYTES}, such as 65536`,
    );
  }
}

function checkShares(policy) {
  const refresh = policy.refreshShare ?? DEFAULTS.refreshShare;
  const jitter = policy.jitterShare ?? DEFAULTS.jitterShare;
  if (!(refresh > 0 && refresh < 1)) {
    throw configError(`option policy.refreshShare is ${refresh}: use a share of the lifetime above 0 and below 1, such as 0.75`);
  }
  if (!(jitter >= 0 && jitter < 0.5)) {
    throw configError(`option policy.jitterShare is ${jitter}: use a share from 0 up to but not including 0.5, such as 0.05`);
  }
  if (jitter >= refresh) {
    throw configError(`option policy.jitterShare ${jitter} is not below policy.refreshShare ${refresh}: lower policy.jitterShare`);
  }
  if (refresh + jitter >= 1) {
    throw configError(
      `options policy.refreshShare ${refresh} plus policy.jitterShare ${jitter} reach the end of the lifetime: keep their sum below 1`,
    );
  }
}

function checkDurations(policy) {
  for (const [key, min] of Object.entries(MIN_MS)) {
    const ms = policy[key];
    if (ms !== undefined && (ms < min || ms > ONE_DAY_MS)) {
      const lowest = min === 0 ? 'from 0' : 'from 1';
      throw configError(`option policy.${key} is ${ms}: use a whole number of milliseconds ${lowest} up to ${ONE_DAY_MS} (one day)`);
    }
  }

  const minBackoff = policy.minBackoffMs ?? DEFAULTS.minBackoffMs;
  const maxBackoff = policy.maxBackoffMs ?? DEFAULTS.maxBackoffMs;
  if (maxBackoff < minBackoff) {
    throw configError(`option policy.maxBackoffMs ${maxBackoff} is below policy.minBackoffMs ${minBackoff}: raise policy.maxBackoffMs`);
  }
}

function checkStore(store) {
  if (store.kind === undefined) {
    throw configError(`option store.kind is required: use 'memory', 'file' or 'redis'`);
  }
  if (!Object.hasOwn(STORE_KINDS, store.kind)) {
    throw configError(`option store.kind is ${JSON.stringify(store.kind)}: use 'memory', 'file' or 'redis'`);
  }
  const allowed = STORE_KINDS[store.kind];
  for (const key of Object.keys(store)) {
    if (key !== 'kind' && !allowed.includes(key)) {
      throw configError(`option store.${key} does not apply to the ${store.kind} store: remove it`);
    }
  }

  if (store.kind === 'redis') checkRedisStore(store);
}

function checkRedisStore(store) {
  if (store.url === undefined || store.url === '') {
    throw configError(`option store.url is required for the redis store: use redis://host:6379 or rediss://host:6380`);
  }
  const ms = store.timeoutMs;
  if (ms !== undefined && (ms < 1 || ms > MAX_REDIS_TIMEOUT_MS)) {
    throw configError(`option store.timeoutMs is ${ms}: use a whole number of milliseconds from 1 up to ${MAX_REDIS_TIMEOUT_MS}, such as 1000`);
  }
}

// The engine's names of the options it checks itself, with their JavaScript names.
const ENGINE_NAMES = {
  client_id: 'clientId',
  base_url: 'baseUrl',
  product_instance_id: 'productInstanceId',
  'store dir': 'store.dir',
  'redis url': 'store.url',
  'redis timeout': 'store.timeoutMs',
};
const ENGINE_NAME = /^(invalid )?(client_id|base_url|product_instance_id|store dir|redis url|redis timeout)\b/;

/** Renames the option at the start of an engine's invalid_config message to its JavaScript name. */
function withOptionNames(error) {
  if (error?.code === 'invalid_config' && typeof error.message === 'string') {
    error.message = error.message.replace(ENGINE_NAME, (_, invalid, name) => `${invalid ?? ''}option ${ENGINE_NAMES[name]}`);
    Error.captureStackTrace(error, withOptionNames);
  }
  return error;
}

/** Returns a checked copy of the options for the addon. */
function checkOptions(options) {
  if (!isPlainObject(options)) {
    throw configError(`TokenManager options must be a plain object, got ${describe(options)}`);
  }

  const checked = pick(options, TOP_LEVEL, '');
  checkTopLevel(checked);
  if (checked.policy !== undefined) {
    checked.policy = pick(checked.policy, POLICY, 'policy.');
    checkShares(checked.policy);
    checkDurations(checked.policy);
  }
  if (checked.store !== undefined) {
    checked.store = pick(checked.store, STORE, 'store.');
    checkStore(checked.store);
  }
  return checked;
}

module.exports = { checkOptions, withOptionNames };
