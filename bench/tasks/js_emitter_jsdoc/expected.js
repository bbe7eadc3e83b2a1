  /**
   * Removes the first registration of listener for event.
   * @param {string} event The event the listener was added for.
   * @param {Function} listener The function passed to on() or once().
   * @returns {boolean} Whether a listener was removed.
   */
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
