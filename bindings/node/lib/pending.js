'use strict';
// Waiting for a native token call without a native-to-JavaScript callback.
//
// The addon runs the call on its own threads and writes the result into a handle, and
// this module polls the handle from the event loop. No native thread ever calls into
// JavaScript, so a worker that is terminated, or calls process.exit(), while a call is
// pending just stops polling: nothing is delivered into its torn-down environment.

const { fromNative } = require('./errors');

// Polling starts on the next turn of the event loop and then backs off to this interval,
// so a slow request costs a few wake-ups, and a fast one adds about a millisecond.
const MAX_INTERVAL_MS = 8;

/** Resolves to the handle's token, or rejects with its SetuAuthError, once it settles. */
function settle(handle) {
  return new Promise((resolve, reject) => {
    let interval = 0;

    const check = () => {
      let token;
      try {
        token = handle.poll();
      } catch (error) {
        reject(fromNative(error));
        return;
      }

      if (token != null) {
        resolve(token);
        return;
      }

      interval = Math.min(interval * 2 || 1, MAX_INTERVAL_MS);
      setTimeout(check, interval);
    };

    setImmediate(check);
  });
}

module.exports = { settle };
