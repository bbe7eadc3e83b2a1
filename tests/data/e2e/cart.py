"""A shopping cart."""


def cart_total(items):
    total = 0
    for price, quantity in items:
        total += price * quantity
    return total


def describe(items):
    count = len(items)
    return f"{count} items, total {cart_total(items)}"
