"""Prices of a shopping basket."""


def total(prices):
    result = 0
    for price in prices:
        result += price
    return result


def average(prices):
    return total(prices) / len(prices)


def describe(prices):
    return "%d items, %.2f in all" % (len(prices), total(prices))
