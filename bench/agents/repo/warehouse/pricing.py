"""Prices with tiered discounts, coupons and tax, in integer cents."""

from __future__ import annotations

import math
from dataclasses import dataclass

TAX_RATE = 0.08
TIERS = [(100, 0.10), (50, 0.05), (10, 0.02)]


@dataclass(frozen=True)
class Coupon:
    code: str
    percent: int = 0
    amount_cents: int = 0
    min_subtotal_cents: int = 0

    def applies(self, subtotal_cents: int) -> bool:
        return subtotal_cents >= self.min_subtotal_cents


def tier_discount(quantity: int) -> float:
    """The discount rate for buying `quantity` of one item."""
    for threshold, rate in TIERS:
        if quantity >= threshold:
            return rate
    return 0.0


def line_total(unit_cents: int, quantity: int) -> int:
    if quantity < 0:
        raise ValueError("quantity must not be negative")
    gross = unit_cents * quantity
    return gross - math.floor(gross * tier_discount(quantity))


def apply_coupon(subtotal_cents: int, coupon: Coupon | None) -> int:
    if coupon is None or not coupon.applies(subtotal_cents):
        return subtotal_cents
    discounted = subtotal_cents - subtotal_cents * coupon.percent // 100
    discounted -= coupon.amount_cents
    return max(discounted, 0)


def tax(cents: int, rate: float = TAX_RATE) -> int:
    return round(cents * rate)


def quote(lines: list[tuple[int, int]], coupon: Coupon | None = None) -> dict[str, int]:
    """Subtotal, discount, tax and total for (unit price, quantity) lines."""
    subtotal = sum(line_total(unit, qty) for unit, qty in lines)
    after_coupon = apply_coupon(subtotal, coupon)
    taxes = tax(after_coupon)
    return {
        "subtotal": subtotal,
        "discount": subtotal - after_coupon,
        "tax": taxes,
        "total": after_coupon + taxes,
    }


def format_cents(cents: int, currency: str = "$") -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{currency}{whole:,}.{part:02d}"


def parse_price(text: str) -> int:
    """'$1,234.50' or '1234.5' -> cents."""
    cleaned = text.strip().lstrip("$").replace(",", "")
    if not cleaned:
        raise ValueError("empty price")
    whole, _, part = cleaned.partition(".")
    part = (part + "00")[:2]
    return int(whole or "0") * 100 + int(part)
