'use strict';
// The setu-auth package: Setu bearer tokens, cached and renewed by a native engine.

const { __napiBindingTarget } = require('./native.js');
const { SetuAuthError } = require('./lib/errors');
const { TokenManager } = require('./lib/manager');
const { Emulator } = require('./lib/emulator');
const { events } = require('./lib/events');
const { authFetch } = require('./lib/fetch');
const { axiosInterceptor } = require('./lib/axios');

module.exports = {
  TokenManager,
  SetuAuthError,
  Emulator,
  events,
  authFetch,
  axiosInterceptor,
  __napiBindingTarget,
};
