'use strict';

// A small stock book for the shop's back office.
class Stock {
  constructor() {
    // The items are kept by name; each holds a count.
    this.items = new Map();
  }

  // Adds count items of the given name.
  add(name, count) {
    this.items.set(name, (this.items.get(name) || 0) + count);
  }

  // How many items of the given name are in stock.
  count(name) {
    return this.items.get(name) || 0;
  }
}

module.exports = { Stock };
