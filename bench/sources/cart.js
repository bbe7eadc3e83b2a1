'use strict';

// Shopping cart model used by the storefront. Prices are kept in integer
// cents to avoid floating point rounding surprises.

const TAX_RATES = {
  standard: 0.2,
  reduced: 0.1,
  zero: 0,
};

const FREE_SHIPPING_THRESHOLD = 5000;
const FLAT_SHIPPING = 495;
const MAX_QUANTITY = 99;

class CartError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'CartError';
    this.code = code;
  }
}

function formatCents(cents, currency = 'EUR') {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100).padStart(2, '0');
  return `${sign}${whole}.${frac} ${currency}`;
}

function roundCents(value) {
  return Math.round(value);
}

class Cart {
  constructor(currency = 'EUR') {
    this.currency = currency;
    this.lines = new Map();
    this.coupons = [];
    this.createdAt = new Date();
    this.listeners = [];
  }

  onChange(listener) {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(event) {
    for (const listener of this.listeners) {
      try {
        listener(event, this);
      } catch (err) {
        console.error('cart listener failed', err);
      }
    }
  }

  add(product, quantity = 1) {
    if (!product || !product.sku) {
      throw new CartError('product must have a sku', 'bad_product');
    }
    if (!Number.isInteger(quantity) || quantity <= 0) {
      throw new CartError('quantity must be a positive integer', 'bad_quantity');
    }
    const existing = this.lines.get(product.sku);
    const newQuantity = (existing ? existing.quantity : 0) + quantity;
    if (newQuantity > MAX_QUANTITY) {
      throw new CartError(`at most ${MAX_QUANTITY} of one product`, 'too_many');
    }
    this.lines.set(product.sku, {
      sku: product.sku,
      name: product.name,
      priceCents: product.priceCents,
      taxClass: product.taxClass || 'standard',
      quantity: newQuantity,
    });
    this.emit({ type: 'add', sku: product.sku, quantity });
  }

  setQuantity(sku, quantity) {
    const line = this.lines.get(sku);
    if (!line) {
      throw new CartError(`no line for ${sku}`, 'missing');
    }
    if (quantity === 0) {
      this.remove(sku);
      return;
    }
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY) {
      throw new CartError('invalid quantity', 'bad_quantity');
    }
    line.quantity = quantity;
    this.emit({ type: 'update', sku, quantity });
  }

  remove(sku) {
    if (this.lines.delete(sku)) {
      this.emit({ type: 'remove', sku });
    }
  }

  clear() {
    this.lines.clear();
    this.coupons = [];
    this.emit({ type: 'clear' });
  }

  applyCoupon(coupon) {
    if (this.coupons.some((c) => c.code === coupon.code)) {
      throw new CartError(`coupon ${coupon.code} already applied`, 'duplicate_coupon');
    }
    if (coupon.expiresAt && coupon.expiresAt < new Date()) {
      throw new CartError(`coupon ${coupon.code} has expired`, 'expired_coupon');
    }
    this.coupons.push(coupon);
    this.emit({ type: 'coupon', code: coupon.code });
  }

  get itemCount() {
    let count = 0;
    for (const line of this.lines.values()) {
      count += line.quantity;
    }
    return count;
  }

  subtotal() {
    let sum = 0;
    for (const line of this.lines.values()) {
      sum += line.priceCents * line.quantity;
    }
    return sum;
  }

  discount(subtotal) {
    let best = 0;
    for (const coupon of this.coupons) {
      let amount = 0;
      if (coupon.percentOff) {
        amount = roundCents((subtotal * coupon.percentOff) / 100);
      } else if (coupon.amountOffCents) {
        amount = coupon.amountOffCents;
      }
      if (coupon.minimumCents && subtotal < coupon.minimumCents) {
        amount = 0;
      }
      best = Math.max(best, amount);
    }
    return Math.min(best, subtotal);
  }

  tax(discountCents) {
    const subtotal = this.subtotal();
    let tax = 0;
    for (const line of this.lines.values()) {
      const gross = line.priceCents * line.quantity;
      const share = subtotal === 0 ? 0 : gross / subtotal;
      const net = gross - discountCents * share;
      const rate = TAX_RATES[line.taxClass];
      if (rate === undefined) {
        throw new CartError(`unknown tax class ${line.taxClass}`, 'bad_tax_class');
      }
      tax += net * rate;
    }
    return roundCents(tax);
  }

  shipping(subtotalAfterDiscount) {
    if (this.lines.size === 0) {
      return 0;
    }
    return subtotalAfterDiscount >= FREE_SHIPPING_THRESHOLD ? 0 : FLAT_SHIPPING;
  }

  summary() {
    const items = [];
    for (const line of this.lines.values()) {
      items.push({
        sku: line.sku,
        name: line.name,
        quantity: line.quantity,
        unit: formatCents(line.priceCents, this.currency),
        total: formatCents(line.priceCents * line.quantity, this.currency),
      });
    }
    items.sort((a, b) => a.sku.localeCompare(b.sku));
    const subtotal = this.subtotal();
    const discount = this.discount(subtotal);
    const afterDiscount = subtotal - discount;
    const tax = this.tax(discount);
    const shipping = this.shipping(afterDiscount);
    const total = afterDiscount + tax + shipping;
    if (items.length === 0) {
      return { items, empty: true, total: formatCents(0, this.currency) };
    }
    const heaviest = items.reduce((a, b) => (a.quantity >= b.quantity ? a : b));
    return {
      items,
      empty: false,
      lineCount: items.length,
      mostOrdered: heaviest.sku,
      subtotal: formatCents(subtotal, this.currency),
      discount: formatCents(-discount, this.currency),
      tax: formatCents(tax, this.currency),
      shipping: formatCents(shipping, this.currency),
      total: formatCents(total, this.currency),
    };
  }

  toJSON() {
    return {
      currency: this.currency,
      lines: Array.from(this.lines.values()),
      coupons: this.coupons.map((c) => c.code),
      createdAt: this.createdAt.toISOString(),
    };
  }

  static fromJSON(data, couponLookup) {
    const cart = new Cart(data.currency);
    for (const line of data.lines) {
      cart.lines.set(line.sku, { ...line });
    }
    for (const code of data.coupons || []) {
      const coupon = couponLookup(code);
      if (coupon) {
        cart.coupons.push(coupon);
      }
    }
    cart.createdAt = new Date(data.createdAt);
    return cart;
  }
}

module.exports = {
  Cart,
  CartError,
  formatCents,
  TAX_RATES,
  FREE_SHIPPING_THRESHOLD,
  FLAT_SHIPPING,
  MAX_QUANTITY,
};
