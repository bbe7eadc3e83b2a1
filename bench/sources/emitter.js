'use strict';

// Minimal event emitter with once() support and a per-event listener limit.

const DEFAULT_MAX_LISTENERS = 10;

class Emitter {
  constructor(maxListeners = DEFAULT_MAX_LISTENERS) {
    this.handlers = new Map();
    this.maxListeners = maxListeners;
  }

  on(event, listener) {
    if (typeof listener !== 'function') {
      throw new TypeError('listener must be a function');
    }
    let list = this.handlers.get(event);
    if (!list) {
      list = [];
      this.handlers.set(event, list);
    }
    if (list.length >= this.maxListeners) {
      console.warn(`possible leak: ${list.length + 1} listeners for "${event}"`);
    }
    list.push({ listener, once: false });
    return () => this.off(event, listener);
  }

  once(event, listener) {
    const off = this.on(event, listener);
    const list = this.handlers.get(event);
    list[list.length - 1].once = true;
    return off;
  }

  off(event, listener) {
    const list = this.handlers.get(event);
    if (!list) {
      return false;
    }
    const index = list.findIndex((entry) => entry.listener === listener);
    if (index === -1) {
      return false;
    }
    list.splice(index, 1);
    if (list.length === 0) {
      this.handlers.delete(event);
    }
    return true;
  }

  emit(event, ...args) {
    const list = this.handlers.get(event);
    if (!list) {
      return 0;
    }
    let called = 0;
    for (const entry of [...list]) {
      if (entry.once) {
        this.off(event, entry.listener);
      }
      entry.listener.apply(this, args);
      called += 1;
    }
    return called;
  }

  listenerCount(event) {
    const list = this.handlers.get(event);
    return list ? list.length : 0;
  }
}

module.exports = { Emitter, DEFAULT_MAX_LISTENERS };
