    def order_summary(self, lines: List[OrderLine], shipping: Decimal,
                      tax_rate: Decimal = DEFAULT_TAX_RATE,
                      coupon: Optional[Decimal] = None) -> dict:
        """Price an order and return the amounts shown on the invoice."""
        subtotal = Decimal("0")
        weight = 0.0
        for line in lines:
            item = self.get_item(line.sku)
            if line.quantity <= 0:
                raise ValidationError("quantity", f"line {line.sku} must be positive")
            subtotal += line.line_amount()
            weight += item.weight_kg * line.quantity
        if coupon is not None:
            if coupon > subtotal:
                logger.warning("coupon %s exceeds order total %s", coupon, subtotal)
            subtotal = max(Decimal("0"), subtotal - coupon)
        if subtotal >= Decimal("100"):
            shipping = Decimal("0")
        elif weight > 20:
            shipping = shipping + Decimal("5.00")
        tax = money(subtotal * tax_rate)
        grand_total = money(subtotal + tax + shipping)
        return {
            "currency": self.currency,
            "total": money(subtotal),
            "tax": tax,
            "shipping": money(shipping),
            "grand_total": grand_total,
            "weight_kg": round(weight, 3),
            "line_count": len(lines),
        }
