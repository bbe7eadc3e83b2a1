"""Inventory management for small warehouses.

This module keeps track of items, stock levels per location, purchase and
sales orders, suppliers and customers. It is deliberately dependency-free so
that it can run inside the point-of-sale terminals as well as on the server.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass, field, asdict
from datetime import date, datetime, timedelta
from decimal import Decimal, ROUND_HALF_UP
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

logger = logging.getLogger(__name__)

DEFAULT_CURRENCY = "EUR"
DEFAULT_TAX_RATE = Decimal("0.20")
REORDER_SAFETY_DAYS = 7
MAX_SKU_LENGTH = 32
CENTS = Decimal("0.01")


class InventoryError(Exception):
    """Base class for every error raised by this module."""


class UnknownItemError(InventoryError):
    def __init__(self, sku: str) -> None:
        super().__init__(f"unknown item: {sku}")
        self.sku = sku


class InsufficientStockError(InventoryError):
    def __init__(self, sku: str, requested: int, available: int) -> None:
        super().__init__(
            f"insufficient stock for {sku}: requested {requested}, available {available}"
        )
        self.sku = sku
        self.requested = requested
        self.available = available


class ValidationError(InventoryError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field_name = field_name


def money(value) -> Decimal:
    """Round a value to whole cents using banker-safe half-up rounding."""
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


def validate_sku(sku: str) -> str:
    sku = sku.strip().upper()
    if not sku:
        raise ValidationError("sku", "must not be empty")
    if len(sku) > MAX_SKU_LENGTH:
        raise ValidationError("sku", f"longer than {MAX_SKU_LENGTH} characters")
    for ch in sku:
        if not (ch.isalnum() or ch in "-_."):
            raise ValidationError("sku", f"invalid character {ch!r}")
    return sku


@dataclass
class Item:
    sku: str
    name: str
    unit_price: Decimal
    unit_cost: Decimal = Decimal("0")
    weight_kg: float = 0.0
    category: str = "general"
    reorder_point: int = 0
    reorder_quantity: int = 0
    discontinued: bool = False
    tags: List[str] = field(default_factory=list)

    def margin(self) -> Decimal:
        if self.unit_price == 0:
            return Decimal("0")
        return money((self.unit_price - self.unit_cost) / self.unit_price * 100)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["unit_price"] = str(self.unit_price)
        data["unit_cost"] = str(self.unit_cost)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Item":
        return cls(
            sku=validate_sku(data["sku"]),
            name=data["name"],
            unit_price=money(data["unit_price"]),
            unit_cost=money(data.get("unit_cost", "0")),
            weight_kg=float(data.get("weight_kg", 0.0)),
            category=data.get("category", "general"),
            reorder_point=int(data.get("reorder_point", 0)),
            reorder_quantity=int(data.get("reorder_quantity", 0)),
            discontinued=bool(data.get("discontinued", False)),
            tags=list(data.get("tags", [])),
        )


@dataclass
class StockMovement:
    sku: str
    location: str
    delta: int
    reason: str
    timestamp: datetime = field(default_factory=datetime.utcnow)
    reference: Optional[str] = None


@dataclass
class OrderLine:
    sku: str
    quantity: int
    unit_price: Decimal
    discount_pct: Decimal = Decimal("0")

    def line_amount(self) -> Decimal:
        gross = self.unit_price * self.quantity
        return money(gross - gross * self.discount_pct / 100)


class Inventory:
    """Stock levels for every item at every location."""

    def __init__(self, currency: str = DEFAULT_CURRENCY) -> None:
        self.currency = currency
        self.items: Dict[str, Item] = {}
        self.stock: Dict[Tuple[str, str], int] = {}
        self.movements: List[StockMovement] = []
        self.reserved: Dict[str, int] = {}

    # -- items -------------------------------------------------------------

    def add_item(self, item: Item) -> None:
        item.sku = validate_sku(item.sku)
        if item.sku in self.items:
            raise ValidationError("sku", f"duplicate sku {item.sku}")
        if item.unit_price < 0:
            raise ValidationError("unit_price", "must not be negative")
        self.items[item.sku] = item
        logger.debug("added item %s", item.sku)

    def get_item(self, sku: str) -> Item:
        try:
            return self.items[validate_sku(sku)]
        except KeyError:
            raise UnknownItemError(sku) from None

    def discontinue(self, sku: str) -> None:
        item = self.get_item(sku)
        item.discontinued = True
        released = self.reserved.pop(item.sku, 0)
        logger.info("discontinued %s (released %d reserved)", item.sku, released)

    def search(self, text: str) -> List[Item]:
        needle = text.lower()
        found = []
        for item in self.items.values():
            if needle in item.name.lower() or needle in item.sku.lower():
                found.append(item)
            elif any(needle == tag.lower() for tag in item.tags):
                found.append(item)
        return sorted(found, key=lambda it: it.sku)

    # -- stock -------------------------------------------------------------

    def on_hand(self, sku: str, location: Optional[str] = None) -> int:
        sku = self.get_item(sku).sku
        if location is not None:
            return self.stock.get((sku, location), 0)
        return sum(qty for (s, _), qty in self.stock.items() if s == sku)

    def available(self, sku: str) -> int:
        return self.on_hand(sku) - self.reserved.get(sku, 0)

    def _move(self, sku: str, location: str, delta: int, reason: str,
              reference: Optional[str] = None) -> None:
        key = (sku, location)
        current = self.stock.get(key, 0)
        if current + delta < 0:
            raise InsufficientStockError(sku, -delta, current)
        self.stock[key] = current + delta
        self.movements.append(StockMovement(sku, location, delta, reason,
                                            reference=reference))

    def receive(self, sku: str, location: str, quantity: int,
                reference: Optional[str] = None) -> None:
        if quantity <= 0:
            raise ValidationError("quantity", "must be positive")
        item = self.get_item(sku)
        self._move(item.sku, location, quantity, "receive", reference)
        logger.info("received %d x %s at %s", quantity, item.sku, location)

    def ship(self, sku: str, location: str, quantity: int,
             reference: Optional[str] = None) -> None:
        if quantity <= 0:
            raise ValidationError("quantity", "must be positive")
        item = self.get_item(sku)
        if item.discontinued:
            logger.warning("shipping discontinued item %s", item.sku)
        self._move(item.sku, location, -quantity, "ship", reference)
        reserved = self.reserved.get(item.sku, 0)
        if reserved:
            self.reserved[item.sku] = max(0, reserved - quantity)

    def transfer(self, sku: str, source: str, target: str, quantity: int) -> None:
        if source == target:
            raise ValidationError("target", "must differ from source")
        item = self.get_item(sku)
        self._move(item.sku, source, -quantity, "transfer-out", target)
        self._move(item.sku, target, quantity, "transfer-in", source)

    def reserve(self, sku: str, quantity: int) -> None:
        item = self.get_item(sku)
        free = self.available(item.sku)
        if quantity > free:
            raise InsufficientStockError(item.sku, quantity, free)
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
        """Set the stock at a location to a counted value; return the delta."""
        item = self.get_item(sku)
        current = self.stock.get((item.sku, location), 0)
        delta = counted - current
        if delta:
            self._move(item.sku, location, delta, reason)
        return delta

    # -- orders ------------------------------------------------------------

    def order_summary(self, lines: List[OrderLine], shipping: Decimal,
                      tax_rate: Decimal = DEFAULT_TAX_RATE,
                      coupon: Optional[Decimal] = None) -> dict:
        """Price an order and return the amounts shown on the invoice."""
        total = Decimal("0")
        weight = 0.0
        for line in lines:
            item = self.get_item(line.sku)
            if line.quantity <= 0:
                raise ValidationError("quantity", f"line {line.sku} must be positive")
            total += line.line_amount()
            weight += item.weight_kg * line.quantity
        if coupon is not None:
            if coupon > total:
                logger.warning("coupon %s exceeds order total %s", coupon, total)
            total = max(Decimal("0"), total - coupon)
        if total >= Decimal("100"):
            shipping = Decimal("0")
        elif weight > 20:
            shipping = shipping + Decimal("5.00")
        tax = money(total * tax_rate)
        grand_total = money(total + tax + shipping)
        return {
            "currency": self.currency,
            "total": money(total),
            "tax": tax,
            "shipping": money(shipping),
            "grand_total": grand_total,
            "weight_kg": round(weight, 3),
            "line_count": len(lines),
        }

    def fulfil(self, order_id: str, lines: List[OrderLine], location: str) -> List[str]:
        """Ship every line of an order from one location; return shipped skus."""
        shipped = []
        for line in lines:
            available = self.on_hand(line.sku, location)
            if available < line.quantity:
                raise InsufficientStockError(line.sku, line.quantity, available)
        for line in lines:
            self.ship(line.sku, location, line.quantity, reference=order_id)
            shipped.append(line.sku)
        logger.info("fulfilled order %s (%d lines)", order_id, len(shipped))
        return shipped

    # -- reporting ---------------------------------------------------------

    def valuation(self) -> Dict[str, Decimal]:
        values: Dict[str, Decimal] = {}
        for (sku, _location), qty in self.stock.items():
            item = self.items[sku]
            values[item.category] = values.get(item.category, Decimal("0")) + item.unit_cost * qty
        return {cat: money(v) for cat, v in sorted(values.items())}

    def reorder_suggestions(self, daily_usage: Dict[str, float]) -> List[Tuple[str, int]]:
        suggestions = []
        for sku, item in sorted(self.items.items()):
            if item.discontinued:
                continue
            usage = daily_usage.get(sku, 0.0)
            threshold = max(item.reorder_point, int(usage * REORDER_SAFETY_DAYS))
            quantity = self.available(sku)
            if quantity <= threshold:
                amount = max(item.reorder_quantity, threshold - quantity + 1)
                suggestions.append((sku, amount))
        return suggestions

    def print_stock_report(self, location: Optional[str] = None) -> None:
        """Write a plain-text stock report for one location or all of them."""
        print("Stock report generated", datetime.utcnow().isoformat(timespec="seconds"))
        if location:
            print("Location:", location)
        rows = 0
        for sku in sorted(self.items):
            item = self.items[sku]
            qty = self.on_hand(sku, location)
            if qty == 0 and item.discontinued:
                continue
            flag = ""
            if qty <= item.reorder_point:
                flag = " (reorder)"
            print(f"{sku:<20} {item.name:<30} {qty:>8}{flag}")
            rows += 1
        if rows == 0:
            print("No stock to report.")
        else:
            print(f"{rows} items listed.")

    def movements_for(self, sku: str, since: Optional[datetime] = None) -> Iterator[StockMovement]:
        sku = self.get_item(sku).sku
        for movement in self.movements:
            if movement.sku != sku:
                continue
            if since is not None and movement.timestamp < since:
                continue
            yield movement

    # -- import / export ---------------------------------------------------

    def export_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["sku", "location", "quantity"])
        for (sku, location), qty in sorted(self.stock.items()):
            writer.writerow([sku, location, qty])
        return buffer.getvalue()

    def import_csv(self, text: str) -> int:
        reader = csv.DictReader(io.StringIO(text))
        count = 0
        for row in reader:
            sku = validate_sku(row["sku"])
            if sku not in self.items:
                raise UnknownItemError(sku)
            quantity = int(row["quantity"])
            self.stock[(sku, row["location"])] = quantity
            count += 1
        logger.info("imported %d stock rows", count)
        return count

    def to_json(self) -> str:
        return json.dumps({
            "currency": self.currency,
            "items": [item.to_dict() for item in self.items.values()],
            "stock": [[s, loc, q] for (s, loc), q in sorted(self.stock.items())],
        }, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Inventory":
        data = json.loads(text)
        inv = cls(currency=data.get("currency", DEFAULT_CURRENCY))
        for raw in data.get("items", []):
            inv.add_item(Item.from_dict(raw))
        for sku, location, qty in data.get("stock", []):
            inv.stock[(sku, location)] = int(qty)
        return inv
