"""Order totals."""


def order_sum(prices, tax_rate):
    """Sum the prices (in €) and add the tax."""
    total = 0
    for price in prices:
        total += price
    tax = total * tax_rate
    print("🧾 Σ", total)
    return total + tax


if __name__ == "__main__":
    print(order_sum([1.5, 2.25], 0.2))
