'use strict';
// `events`: an EventEmitter of what the engine and the integrations do. Events carry
// counters, codes and timings, never a secret or a token.

const { EventEmitter } = require('node:events');
const native = require('../native.js');

const events = new EventEmitter();
let subscription = null;

function deliver(text) {
  emit(JSON.parse(text));
}

/** Emits `event` under its kind and under `event`. */
function emit(event) {
  events.emit(event.kind, event);
  events.emit('event', event);
}

function listening() {
  return events
    .eventNames()
    .some((name) => name !== 'newListener' && name !== 'removeListener' && events.listenerCount(name) > 0);
}

events.on('newListener', (name) => {
  if (name === 'newListener' || name === 'removeListener' || subscription !== null) return;
  subscription = native.subscribeEvents(deliver);
});

events.on('removeListener', () => {
  if (subscription === null || listening()) return;
  native.unsubscribeEvents(subscription);
  subscription = null;
});

module.exports = { events, emit };
