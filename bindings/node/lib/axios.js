'use strict';
// axiosInterceptor: adds the auth headers to an axios instance's requests and, on a 401,
// reports the token and retries once. axios itself is the caller's dependency.

const { argumentError } = require('./errors');
const { emit } = require('./events');
const { isReplayable } = require('./fetch');

const RETRIED = 'setuAuthRetried';

/** Installs the interceptors on `instance`; returns a function that removes them. */
function axiosInterceptor(manager, instance) {
  if (typeof manager?.authHeaders !== 'function') {
    throw argumentError('axiosInterceptor takes a TokenManager as its first argument');
  }
  if (typeof instance?.interceptors?.request?.use !== 'function') {
    throw argumentError('axiosInterceptor takes an axios instance as its second argument');
  }

  const request = instance.interceptors.request.use(async (config) => {
    const auth = await manager.authHeaders();
    for (const [name, value] of Object.entries(auth)) {
      setHeader(config, name, value);
    }
    return config;
  });

  const response = instance.interceptors.response.use(undefined, async (error) => {
    const config = error?.config;
    if (error?.response?.status !== 401 || !config || config[RETRIED] || !replayableData(config.data)) {
      throw error;
    }

    manager.invalidate(bearerToken(config));
    emit({ kind: 'unauthorized', level: 'debug', message: 'the API returned 401, so the request is sent again with a new token' });
    config[RETRIED] = true;
    return instance.request(config);
  });

  return () => {
    instance.interceptors.request.eject(request);
    instance.interceptors.response.eject(response);
  };
}

/**
 * Checks whether axios can send `data` again: a plain object or array (sent as JSON) can,
 * and so can the bodies fetch can replay. A stream or an async iterable is read by the
 * first send.
 */
function replayableData(data) {
  if (isReplayable(data)) return true;
  if (typeof data !== 'object') return typeof data !== 'function';
  if (typeof data.pipe === 'function' || typeof data.getReader === 'function') return false;
  if (typeof data[Symbol.asyncIterator] === 'function') return false;
  const proto = Object.getPrototypeOf(data);
  return proto === Object.prototype || proto === null || Array.isArray(data);
}

function setHeader(config, name, value) {
  config.headers ??= {};
  if (typeof config.headers.set === 'function') {
    config.headers.set(name, value);
  } else {
    config.headers[name] = value;
  }
}

function bearerToken(config) {
  const headers = config.headers ?? {};
  const value = typeof headers.get === 'function' ? headers.get('authorization') : headers.authorization;
  return String(value ?? '').replace(/^Bearer /, '');
}

module.exports = { axiosInterceptor };
