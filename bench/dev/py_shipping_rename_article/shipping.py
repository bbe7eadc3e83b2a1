"""Shipping costs for the web shop."""

FREE_ABOVE = 50.0


def ship(order, express=False):
    """Ship an order to the customer; an order above FREE_ABOVE ships free.

    Express shipping doubles the cost of the order.
    """
    cost = 0.0 if order.total > FREE_ABOVE else 4.5
    if express:
        cost *= 2
    return order.total + cost
