# ... existing code ...
    def discontinue(self, sku: str) -> None:
        item = self.get_item(sku)
        item.discontinued = True
        released = self.reserved.pop(item.sku, 0)
        logger.info("discontinued %s (released %d reserved)", item.sku, released)
# ... existing code ...
        self.reserved[item.sku] = self.reserved.get(item.sku, 0) + quantity

    def release(self, sku: str, quantity: int) -> None:
        """Give back part of a reservation made with reserve()."""
        item = self.get_item(sku)
        held = self.reserved.get(item.sku, 0)
        if quantity <= 0 or quantity > held:
            raise ValidationError("quantity", f"must be between 1 and {held}")
        if quantity == held:
            del self.reserved[item.sku]
        else:
            self.reserved[item.sku] = held - quantity

    def adjust(self, sku: str, location: str, counted: int, reason: str = "count") -> int:
# ... existing code ...
