"""Small geometry helpers, written in a compact style."""

import math


def area(x0, y0, x1, y1):
    w = abs(x1-x0)
    h = abs(y1-y0)
    return w*h


def distance(x0, y0, x1, y1):
    dx = x1-x0
    dy = y1-y0
    return math.sqrt(dx*dx+dy*dy)


def midpoint(x0, y0, x1, y1):
    return (x0+x1)/2, (y0+y1)/2


def scale(points, k):
    return [(x*k, y*k) for x, y in points]
