  subtotal() {
    return Array.from(this.lines.values()).reduce((sum, line) => sum + line.priceCents * line.quantity, 0);
  }
