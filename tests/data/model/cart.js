// A shopping cart that keeps line items and computes totals.

class Cart {
  constructor() {
    this.items = [];
  }

  add(name, price, quantity) {
    this.items.push({ name: name, price: price, quantity: quantity });
  }

  count() {
    let n = 0;
    for (let i = 0; i < this.items.length; i++) {
      n += this.items[i].quantity;
    }
    return n;
  }

  total() {
    let sum = 0;
    for (let i = 0; i < this.items.length; i++) {
      sum += this.items[i].price * this.items[i].quantity;
    }
    return sum;
  }
}

module.exports = { Cart };
