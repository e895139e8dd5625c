'use strict';
// The package's error class and the conversion of native errors into it.

const MARKER = 'setu-auth-error:';

/** A failure from setu-auth, with a stable snake_case `code`. */
class SetuAuthError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.name = 'SetuAuthError';
    this.code = fields.code ?? 'internal';
    this.setuCode = fields.setuCode ?? null;
    this.status = fields.status ?? null;
    this.traceId = fields.traceId ?? null;
    this.retryable = Boolean(fields.retryable);
    this.retryAfterMs = fields.retryAfterMs ?? null;
  }
}

/** Turns an error thrown by the addon into a SetuAuthError; other errors pass through. */
function fromNative(error) {
  const message = error?.message;
  if (typeof message !== 'string' || !message.startsWith(MARKER)) {
    return error;
  }

  const fields = JSON.parse(message.slice(MARKER.length));
  const converted = new SetuAuthError(fields.message, fields);
  Error.captureStackTrace(converted, fromNative);
  return converted;
}

/** Calls a synchronous native function, converting what it throws. */
function callNative(fn) {
  try {
    return fn();
  } catch (error) {
    throw fromNative(error);
  }
}


function configError(message) {
  return new SetuAuthError(message, { code: 'invalid_config' });
}

function argumentError(message) {
  return new SetuAuthError(message, { code: 'invalid_argument' });
}

function closedError() {
  return new SetuAuthError('the token manager is closed; create a new one to fetch tokens', { code: 'closed' });
}

/** Describes a value's type for an error message, such as `a string` or `null`. */
function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (Number.isNaN(value)) return 'NaN';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

module.exports = { SetuAuthError, fromNative, callNative, configError, argumentError, closedError, describe };
