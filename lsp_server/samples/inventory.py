"""A tiny inventory of items with prices and quantities."""


class Inventory:
    def __init__(self):
        self.items = {}

    def add(self, name, price, quantity=1):
        if name in self.items:
            self.items[name]["quantity"] += quantity
        else:
            self.items[name] = {"price": price, "quantity": quantity}

    def remove(self, name, quantity=1):
        item = self.items[name]
        item["quantity"] -= quantity
        if item["quantity"] <= 0:
            del self.items[name]

    def total(self):
        total = 0
        for name, item in self.items.items():
            total += item["price"] * item["quantity"]
        return total

    def report(self):
        lines = []
        for name, item in sorted(self.items.items()):
            lines.append(f"{name}: {item['quantity']} x {item['price']:.2f}")
        lines.append(f"total: {self.total():.2f}")
        return "\n".join(lines)


def main():
    inventory = Inventory()
    inventory.add("apple", 0.5, 10)
    inventory.add("pear", 0.75, 4)
    inventory.remove("apple", 3)
    print(inventory.report())


if __name__ == "__main__":
    main()
