"""Small descriptive statistics helpers used by the metrics dashboard."""

import math
from typing import List, Sequence


def mean(values):
    if not values:
        raise ValueError("mean of empty sequence")
    return sum(values) / len(values)


def median(values: Sequence[float]) -> float:
    """Return the middle value, averaging the two middle ones for even sizes."""
    if not values:
        raise ValueError("median of empty sequence")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def variance(values: Sequence[float], sample: bool = True) -> float:
    """Return the sample (default) or population variance."""
    n = len(values)
    if n < 2 and sample:
        raise ValueError("sample variance needs at least two values")
    m = mean(values)
    squares = sum((v - m) ** 2 for v in values)
    return squares / (n - 1 if sample else n)


def stdev(values: Sequence[float], sample: bool = True) -> float:
    """Return the standard deviation."""
    return math.sqrt(variance(values, sample))


def percentile(values: Sequence[float], p: float) -> float:
    """Return the p-th percentile (0-100) using linear interpolation."""
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of empty sequence")
    k = (len(ordered) - 1) * p / 100
    lo = math.floor(k)
    hi = math.ceil(k)
    if lo == hi:
        return float(ordered[int(k)])
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def zscores(values: Sequence[float]) -> List[float]:
    """Return how many standard deviations each value is from the mean."""
    m = mean(values)
    s = stdev(values)
    if s == 0:
        return [0.0 for _ in values]
    return [(v - m) / s for v in values]
