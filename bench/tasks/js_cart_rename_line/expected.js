  get itemCount() {
    let count = 0;
    for (const entry of this.lines.values()) {
      count += entry.quantity;
    }
    return count;
  }

  subtotal() {
    let sum = 0;
    for (const entry of this.lines.values()) {
      sum += entry.priceCents * entry.quantity;
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
    for (const entry of this.lines.values()) {
      const gross = entry.priceCents * entry.quantity;
      const share = subtotal === 0 ? 0 : gross / subtotal;
      const net = gross - discountCents * share;
      const rate = TAX_RATES[entry.taxClass];
      if (rate === undefined) {
        throw new CartError(`unknown tax class ${entry.taxClass}`, 'bad_tax_class');
      }
      tax += net * rate;
    }
    return roundCents(tax);
  }
