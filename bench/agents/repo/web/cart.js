// Shopping cart state for the storefront: lines, quantities and totals in cents.

const MAX_QUANTITY = 99;
const STORAGE_KEY = "warehouse.cart";

class Cart {
  constructor(storage) {
    this.storage = storage;
    this.lines = [];
    this.listeners = [];
  }

  load() {
    const raw = this.storage.getItem(STORAGE_KEY);
    if (!raw) {
      return;
    }
    try {
      this.lines = JSON.parse(raw);
    } catch (err) {
      console.warn("cart: ignoring a broken saved cart", err);
      this.lines = [];
    }
  }

  save() {
    this.storage.setItem(STORAGE_KEY, JSON.stringify(this.lines));
    this.listeners.forEach((listener) => listener(this.lines));
  }

  onChange(listener) {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  find(sku) {
    return this.lines.find((line) => line.sku === sku);
  }

  add(sku, unitCents, quantity = 1) {
    if (quantity <= 0) {
      throw new Error(`cannot add ${quantity} of ${sku}`);
    }
    const line = this.find(sku);
    if (line) {
      line.quantity = Math.min(line.quantity + quantity, MAX_QUANTITY);
    } else {
      this.lines.push({ sku, unitCents, quantity: Math.min(quantity, MAX_QUANTITY) });
    }
    this.save();
  }

  remove(sku) {
    this.lines = this.lines.filter((line) => line.sku !== sku);
    this.save();
  }

  setQuantity(sku, quantity) {
    const line = this.find(sku);
    if (!line) {
      return false;
    }
    if (quantity <= 0) {
      this.remove(sku);
      return true;
    }
    line.quantity = Math.min(quantity, MAX_QUANTITY);
    this.save();
    return true;
  }

  count() {
    return this.lines.reduce((sum, line) => sum + line.quantity, 0);
  }

  subtotal() {
    return this.lines.reduce((sum, line) => sum + line.unitCents * line.quantity, 0);
  }

  clear() {
    this.lines = [];
    this.save();
  }
}

function formatCents(cents) {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}$${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

module.exports = { Cart, formatCents, MAX_QUANTITY };
