    def print_stock_report(self, location: Optional[str] = None) -> None:
        """Write a plain-text stock report for one location or all of them."""
        logger.info("Stock report generated %s", datetime.utcnow().isoformat(timespec="seconds"))
        if location:
            logger.info("Location: %s", location)
        rows = 0
        for sku in sorted(self.items):
            item = self.items[sku]
            qty = self.on_hand(sku, location)
            if qty == 0 and item.discontinued:
                continue
            flag = ""
            if qty <= item.reorder_point:
                flag = " (reorder)"
            logger.info("%-20s %-30s %8s%s", sku, item.name, qty, flag)
            rows += 1
        if rows == 0:
            logger.info("No stock to report.")
        else:
            logger.info("%d items listed.", rows)
