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
        logger.info("discontinued %s", item.sku)

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


# ---------------------------------------------------------------------------
# Master data and documents
# ---------------------------------------------------------------------------


@dataclass
class Supplier:
    code: str
    name: str
    email: str = ""
    phone: str = ""
    lead_time_days: int = 14
    min_order_value: Decimal = Decimal("0")
    active: bool = True

    def validate(self) -> None:
        if not self.code:
            raise ValidationError("code", "must not be empty")
        if not self.name:
            raise ValidationError("name", "must not be empty")
        if self.email and "@" not in self.email:
            raise ValidationError("email", "not an e-mail address")
        if self.lead_time_days < 0:
            raise ValidationError("lead_time_days", "must not be negative")
        if self.min_order_value < 0:
            raise ValidationError("min_order_value", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "lead_time_days": self.lead_time_days,
            "min_order_value": str(self.min_order_value),
            "active": self.active,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Supplier":
        return cls(
            code=str(data["code"]).strip(),
            name=str(data["name"]).strip(),
            email=str(data.get("email", "")).strip(),
            phone=str(data.get("phone", "")).strip(),
            lead_time_days=int(data.get("lead_time_days", 14)),
            min_order_value=money(data.get("min_order_value", "0")),
            active=bool(data.get("active", True)),
        )


class SupplierRepository:
    """In-memory store of supplier records keyed by code."""

    def __init__(self) -> None:
        self._records: Dict[str, Supplier] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Supplier]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.code))

    def add(self, record: Supplier) -> None:
        record.validate()
        if record.code in self._records:
            raise ValidationError("code", f"duplicate supplier {record.code}")
        self._records[record.code] = record

    def get(self, code: str) -> Supplier:
        try:
            return self._records[code]
        except KeyError:
            raise InventoryError(f"unknown supplier: {code}") from None

    def update(self, code: str, **changes) -> Supplier:
        record = self.get(code)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, code: str) -> None:
        if self._records.pop(code, None) is None:
            raise InventoryError(f"unknown supplier: {code}")

    def where_active(self, value: bool = True) -> List[Supplier]:
        return [rec for rec in self._records.values() if rec.active is value]

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(Supplier.from_dict(row))
        return len(rows)


@dataclass
class Warehouse:
    code: str
    name: str
    city: str = ""
    capacity_m3: float = 0.0
    temperature_controlled: bool = False

    def validate(self) -> None:
        if not self.code:
            raise ValidationError("code", "must not be empty")
        if not self.name:
            raise ValidationError("name", "must not be empty")
        if self.capacity_m3 < 0:
            raise ValidationError("capacity_m3", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "city": self.city,
            "capacity_m3": self.capacity_m3,
            "temperature_controlled": self.temperature_controlled,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Warehouse":
        return cls(
            code=str(data["code"]).strip(),
            name=str(data["name"]).strip(),
            city=str(data.get("city", "")).strip(),
            capacity_m3=float(data.get("capacity_m3", 0.0)),
            temperature_controlled=bool(data.get("temperature_controlled", False)),
        )


class WarehouseRepository:
    """In-memory store of warehouse records keyed by code."""

    def __init__(self) -> None:
        self._records: Dict[str, Warehouse] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Warehouse]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.code))

    def add(self, record: Warehouse) -> None:
        record.validate()
        if record.code in self._records:
            raise ValidationError("code", f"duplicate warehouse {record.code}")
        self._records[record.code] = record

    def get(self, code: str) -> Warehouse:
        try:
            return self._records[code]
        except KeyError:
            raise InventoryError(f"unknown warehouse: {code}") from None

    def update(self, code: str, **changes) -> Warehouse:
        record = self.get(code)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, code: str) -> None:
        if self._records.pop(code, None) is None:
            raise InventoryError(f"unknown warehouse: {code}")

    def where_temperature_controlled(self, value: bool = True) -> List[Warehouse]:
        return [rec for rec in self._records.values() if rec.temperature_controlled is value]

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(Warehouse.from_dict(row))
        return len(rows)


@dataclass
class Bin:
    label: str
    warehouse: str
    aisle: int = 0
    shelf: int = 0
    max_weight_kg: float = 50.0

    def validate(self) -> None:
        if not self.label:
            raise ValidationError("label", "must not be empty")
        if not self.warehouse:
            raise ValidationError("warehouse", "must not be empty")
        if self.aisle < 0:
            raise ValidationError("aisle", "must not be negative")
        if self.shelf < 0:
            raise ValidationError("shelf", "must not be negative")
        if self.max_weight_kg < 0:
            raise ValidationError("max_weight_kg", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "warehouse": self.warehouse,
            "aisle": self.aisle,
            "shelf": self.shelf,
            "max_weight_kg": self.max_weight_kg,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Bin":
        return cls(
            label=str(data["label"]).strip(),
            warehouse=str(data["warehouse"]).strip(),
            aisle=int(data.get("aisle", 0)),
            shelf=int(data.get("shelf", 0)),
            max_weight_kg=float(data.get("max_weight_kg", 50.0)),
        )


class BinRepository:
    """In-memory store of bin records keyed by label."""

    def __init__(self) -> None:
        self._records: Dict[str, Bin] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Bin]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.label))

    def add(self, record: Bin) -> None:
        record.validate()
        if record.label in self._records:
            raise ValidationError("label", f"duplicate bin {record.label}")
        self._records[record.label] = record

    def get(self, label: str) -> Bin:
        try:
            return self._records[label]
        except KeyError:
            raise InventoryError(f"unknown bin: {label}") from None

    def update(self, label: str, **changes) -> Bin:
        record = self.get(label)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, label: str) -> None:
        if self._records.pop(label, None) is None:
            raise InventoryError(f"unknown bin: {label}")

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(Bin.from_dict(row))
        return len(rows)


@dataclass
class Customer:
    number: str
    name: str
    email: str = ""
    credit_limit: Decimal = Decimal("0")
    vat_id: str = ""
    blocked: bool = False

    def validate(self) -> None:
        if not self.number:
            raise ValidationError("number", "must not be empty")
        if not self.name:
            raise ValidationError("name", "must not be empty")
        if self.email and "@" not in self.email:
            raise ValidationError("email", "not an e-mail address")
        if self.credit_limit < 0:
            raise ValidationError("credit_limit", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "name": self.name,
            "email": self.email,
            "credit_limit": str(self.credit_limit),
            "vat_id": self.vat_id,
            "blocked": self.blocked,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Customer":
        return cls(
            number=str(data["number"]).strip(),
            name=str(data["name"]).strip(),
            email=str(data.get("email", "")).strip(),
            credit_limit=money(data.get("credit_limit", "0")),
            vat_id=str(data.get("vat_id", "")).strip(),
            blocked=bool(data.get("blocked", False)),
        )


class CustomerRepository:
    """In-memory store of customer records keyed by number."""

    def __init__(self) -> None:
        self._records: Dict[str, Customer] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Customer]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.number))

    def add(self, record: Customer) -> None:
        record.validate()
        if record.number in self._records:
            raise ValidationError("number", f"duplicate customer {record.number}")
        self._records[record.number] = record

    def get(self, number: str) -> Customer:
        try:
            return self._records[number]
        except KeyError:
            raise InventoryError(f"unknown customer: {number}") from None

    def update(self, number: str, **changes) -> Customer:
        record = self.get(number)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, number: str) -> None:
        if self._records.pop(number, None) is None:
            raise InventoryError(f"unknown customer: {number}")

    def where_blocked(self, value: bool = True) -> List[Customer]:
        return [rec for rec in self._records.values() if rec.blocked is value]

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(Customer.from_dict(row))
        return len(rows)


@dataclass
class PurchaseOrder:
    number: str
    supplier: str
    ordered_on: date
    expected_on: Optional[date] = None
    status: str = "open"
    amount: Decimal = Decimal("0")

    def validate(self) -> None:
        if not self.number:
            raise ValidationError("number", "must not be empty")
        if not self.supplier:
            raise ValidationError("supplier", "must not be empty")
        if self.amount < 0:
            raise ValidationError("amount", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "supplier": self.supplier,
            "ordered_on": self.ordered_on.isoformat(),
            "expected_on": self.expected_on.isoformat() if self.expected_on else None,
            "status": self.status,
            "amount": str(self.amount),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "PurchaseOrder":
        return cls(
            number=str(data["number"]).strip(),
            supplier=str(data["supplier"]).strip(),
            ordered_on=date.fromisoformat(data["ordered_on"]),
            expected_on=date.fromisoformat(data["expected_on"]) if data.get("expected_on") else None,
            status=str(data.get("status", "open")).strip(),
            amount=money(data.get("amount", "0")),
        )


class PurchaseOrderRepository:
    """In-memory store of purchase order records keyed by number."""

    def __init__(self) -> None:
        self._records: Dict[str, PurchaseOrder] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[PurchaseOrder]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.number))

    def add(self, record: PurchaseOrder) -> None:
        record.validate()
        if record.number in self._records:
            raise ValidationError("number", f"duplicate purchase order {record.number}")
        self._records[record.number] = record

    def get(self, number: str) -> PurchaseOrder:
        try:
            return self._records[number]
        except KeyError:
            raise InventoryError(f"unknown purchase order: {number}") from None

    def update(self, number: str, **changes) -> PurchaseOrder:
        record = self.get(number)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, number: str) -> None:
        if self._records.pop(number, None) is None:
            raise InventoryError(f"unknown purchase order: {number}")

    def between(self, start: date, end: date) -> List[PurchaseOrder]:
        """Records whose ordered_on falls in the closed range [start, end]."""
        found = []
        for rec in self._records.values():
            when = rec.ordered_on
            if when is not None and start <= when <= end:
                found.append(rec)
        return sorted(found, key=lambda rec: rec.ordered_on)

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(PurchaseOrder.from_dict(row))
        return len(rows)


@dataclass
class SalesOrder:
    number: str
    customer: str
    ordered_on: date
    status: str = "new"
    amount: Decimal = Decimal("0")
    priority: int = 0

    def validate(self) -> None:
        if not self.number:
            raise ValidationError("number", "must not be empty")
        if not self.customer:
            raise ValidationError("customer", "must not be empty")
        if self.amount < 0:
            raise ValidationError("amount", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "customer": self.customer,
            "ordered_on": self.ordered_on.isoformat(),
            "status": self.status,
            "amount": str(self.amount),
            "priority": self.priority,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "SalesOrder":
        return cls(
            number=str(data["number"]).strip(),
            customer=str(data["customer"]).strip(),
            ordered_on=date.fromisoformat(data["ordered_on"]),
            status=str(data.get("status", "new")).strip(),
            amount=money(data.get("amount", "0")),
            priority=int(data.get("priority", 0)),
        )


class SalesOrderRepository:
    """In-memory store of sales order records keyed by number."""

    def __init__(self) -> None:
        self._records: Dict[str, SalesOrder] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[SalesOrder]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.number))

    def add(self, record: SalesOrder) -> None:
        record.validate()
        if record.number in self._records:
            raise ValidationError("number", f"duplicate sales order {record.number}")
        self._records[record.number] = record

    def get(self, number: str) -> SalesOrder:
        try:
            return self._records[number]
        except KeyError:
            raise InventoryError(f"unknown sales order: {number}") from None

    def update(self, number: str, **changes) -> SalesOrder:
        record = self.get(number)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, number: str) -> None:
        if self._records.pop(number, None) is None:
            raise InventoryError(f"unknown sales order: {number}")

    def between(self, start: date, end: date) -> List[SalesOrder]:
        """Records whose ordered_on falls in the closed range [start, end]."""
        found = []
        for rec in self._records.values():
            when = rec.ordered_on
            if when is not None and start <= when <= end:
                found.append(rec)
        return sorted(found, key=lambda rec: rec.ordered_on)

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(SalesOrder.from_dict(row))
        return len(rows)


@dataclass
class Shipment:
    tracking: str
    order: str
    carrier: str = "post"
    shipped_on: Optional[date] = None
    weight_kg: float = 0.0
    delivered: bool = False

    def validate(self) -> None:
        if not self.tracking:
            raise ValidationError("tracking", "must not be empty")
        if not self.order:
            raise ValidationError("order", "must not be empty")
        if self.weight_kg < 0:
            raise ValidationError("weight_kg", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "tracking": self.tracking,
            "order": self.order,
            "carrier": self.carrier,
            "shipped_on": self.shipped_on.isoformat() if self.shipped_on else None,
            "weight_kg": self.weight_kg,
            "delivered": self.delivered,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Shipment":
        return cls(
            tracking=str(data["tracking"]).strip(),
            order=str(data["order"]).strip(),
            carrier=str(data.get("carrier", "post")).strip(),
            shipped_on=date.fromisoformat(data["shipped_on"]) if data.get("shipped_on") else None,
            weight_kg=float(data.get("weight_kg", 0.0)),
            delivered=bool(data.get("delivered", False)),
        )


class ShipmentRepository:
    """In-memory store of shipment records keyed by tracking."""

    def __init__(self) -> None:
        self._records: Dict[str, Shipment] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Shipment]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.tracking))

    def add(self, record: Shipment) -> None:
        record.validate()
        if record.tracking in self._records:
            raise ValidationError("tracking", f"duplicate shipment {record.tracking}")
        self._records[record.tracking] = record

    def get(self, tracking: str) -> Shipment:
        try:
            return self._records[tracking]
        except KeyError:
            raise InventoryError(f"unknown shipment: {tracking}") from None

    def update(self, tracking: str, **changes) -> Shipment:
        record = self.get(tracking)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, tracking: str) -> None:
        if self._records.pop(tracking, None) is None:
            raise InventoryError(f"unknown shipment: {tracking}")

    def where_delivered(self, value: bool = True) -> List[Shipment]:
        return [rec for rec in self._records.values() if rec.delivered is value]

    def between(self, start: date, end: date) -> List[Shipment]:
        """Records whose shipped_on falls in the closed range [start, end]."""
        found = []
        for rec in self._records.values():
            when = rec.shipped_on
            if when is not None and start <= when <= end:
                found.append(rec)
        return sorted(found, key=lambda rec: rec.shipped_on)

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(Shipment.from_dict(row))
        return len(rows)


@dataclass
class ReturnRequest:
    number: str
    order: str
    reason: str = ""
    received_on: Optional[date] = None
    refund: Decimal = Decimal("0")
    restock: bool = True

    def validate(self) -> None:
        if not self.number:
            raise ValidationError("number", "must not be empty")
        if not self.order:
            raise ValidationError("order", "must not be empty")
        if self.refund < 0:
            raise ValidationError("refund", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "order": self.order,
            "reason": self.reason,
            "received_on": self.received_on.isoformat() if self.received_on else None,
            "refund": str(self.refund),
            "restock": self.restock,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ReturnRequest":
        return cls(
            number=str(data["number"]).strip(),
            order=str(data["order"]).strip(),
            reason=str(data.get("reason", "")).strip(),
            received_on=date.fromisoformat(data["received_on"]) if data.get("received_on") else None,
            refund=money(data.get("refund", "0")),
            restock=bool(data.get("restock", True)),
        )


class ReturnRequestRepository:
    """In-memory store of return request records keyed by number."""

    def __init__(self) -> None:
        self._records: Dict[str, ReturnRequest] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[ReturnRequest]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.number))

    def add(self, record: ReturnRequest) -> None:
        record.validate()
        if record.number in self._records:
            raise ValidationError("number", f"duplicate return request {record.number}")
        self._records[record.number] = record

    def get(self, number: str) -> ReturnRequest:
        try:
            return self._records[number]
        except KeyError:
            raise InventoryError(f"unknown return request: {number}") from None

    def update(self, number: str, **changes) -> ReturnRequest:
        record = self.get(number)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, number: str) -> None:
        if self._records.pop(number, None) is None:
            raise InventoryError(f"unknown return request: {number}")

    def where_restock(self, value: bool = True) -> List[ReturnRequest]:
        return [rec for rec in self._records.values() if rec.restock is value]

    def between(self, start: date, end: date) -> List[ReturnRequest]:
        """Records whose received_on falls in the closed range [start, end]."""
        found = []
        for rec in self._records.values():
            when = rec.received_on
            if when is not None and start <= when <= end:
                found.append(rec)
        return sorted(found, key=lambda rec: rec.received_on)

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(ReturnRequest.from_dict(row))
        return len(rows)


@dataclass
class Carrier:
    code: str
    name: str
    tracking_url: str = ""
    max_weight_kg: float = 30.0
    base_rate: Decimal = Decimal("0")

    def validate(self) -> None:
        if not self.code:
            raise ValidationError("code", "must not be empty")
        if not self.name:
            raise ValidationError("name", "must not be empty")
        if self.max_weight_kg < 0:
            raise ValidationError("max_weight_kg", "must not be negative")
        if self.base_rate < 0:
            raise ValidationError("base_rate", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "tracking_url": self.tracking_url,
            "max_weight_kg": self.max_weight_kg,
            "base_rate": str(self.base_rate),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Carrier":
        return cls(
            code=str(data["code"]).strip(),
            name=str(data["name"]).strip(),
            tracking_url=str(data.get("tracking_url", "")).strip(),
            max_weight_kg=float(data.get("max_weight_kg", 30.0)),
            base_rate=money(data.get("base_rate", "0")),
        )


class CarrierRepository:
    """In-memory store of carrier records keyed by code."""

    def __init__(self) -> None:
        self._records: Dict[str, Carrier] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Carrier]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.code))

    def add(self, record: Carrier) -> None:
        record.validate()
        if record.code in self._records:
            raise ValidationError("code", f"duplicate carrier {record.code}")
        self._records[record.code] = record

    def get(self, code: str) -> Carrier:
        try:
            return self._records[code]
        except KeyError:
            raise InventoryError(f"unknown carrier: {code}") from None

    def update(self, code: str, **changes) -> Carrier:
        record = self.get(code)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, code: str) -> None:
        if self._records.pop(code, None) is None:
            raise InventoryError(f"unknown carrier: {code}")

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(Carrier.from_dict(row))
        return len(rows)


@dataclass
class PriceList:
    name: str
    currency: str = DEFAULT_CURRENCY
    valid_from: Optional[date] = None
    valid_to: Optional[date] = None
    markup_pct: Decimal = Decimal("0")

    def validate(self) -> None:
        if not self.name:
            raise ValidationError("name", "must not be empty")
        if self.markup_pct < 0:
            raise ValidationError("markup_pct", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "currency": self.currency,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "markup_pct": str(self.markup_pct),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "PriceList":
        return cls(
            name=str(data["name"]).strip(),
            currency=str(data.get("currency", DEFAULT_CURRENCY)).strip(),
            valid_from=date.fromisoformat(data["valid_from"]) if data.get("valid_from") else None,
            valid_to=date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
            markup_pct=money(data.get("markup_pct", "0")),
        )


class PriceListRepository:
    """In-memory store of price list records keyed by name."""

    def __init__(self) -> None:
        self._records: Dict[str, PriceList] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[PriceList]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.name))

    def add(self, record: PriceList) -> None:
        record.validate()
        if record.name in self._records:
            raise ValidationError("name", f"duplicate price list {record.name}")
        self._records[record.name] = record

    def get(self, name: str) -> PriceList:
        try:
            return self._records[name]
        except KeyError:
            raise InventoryError(f"unknown price list: {name}") from None

    def update(self, name: str, **changes) -> PriceList:
        record = self.get(name)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, name: str) -> None:
        if self._records.pop(name, None) is None:
            raise InventoryError(f"unknown price list: {name}")

    def between(self, start: date, end: date) -> List[PriceList]:
        """Records whose valid_from falls in the closed range [start, end]."""
        found = []
        for rec in self._records.values():
            when = rec.valid_from
            if when is not None and start <= when <= end:
                found.append(rec)
        return sorted(found, key=lambda rec: rec.valid_from)

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(PriceList.from_dict(row))
        return len(rows)


@dataclass
class StockCount:
    reference: str
    warehouse: str
    counted_on: date
    counter: str = ""
    lines: int = 0
    approved: bool = False

    def validate(self) -> None:
        if not self.reference:
            raise ValidationError("reference", "must not be empty")
        if not self.warehouse:
            raise ValidationError("warehouse", "must not be empty")
        if self.lines < 0:
            raise ValidationError("lines", "must not be negative")

    def to_dict(self) -> dict:
        return {
            "reference": self.reference,
            "warehouse": self.warehouse,
            "counted_on": self.counted_on.isoformat(),
            "counter": self.counter,
            "lines": self.lines,
            "approved": self.approved,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "StockCount":
        return cls(
            reference=str(data["reference"]).strip(),
            warehouse=str(data["warehouse"]).strip(),
            counted_on=date.fromisoformat(data["counted_on"]),
            counter=str(data.get("counter", "")).strip(),
            lines=int(data.get("lines", 0)),
            approved=bool(data.get("approved", False)),
        )


class StockCountRepository:
    """In-memory store of stock count records keyed by reference."""

    def __init__(self) -> None:
        self._records: Dict[str, StockCount] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[StockCount]:
        return iter(sorted(self._records.values(), key=lambda rec: rec.reference))

    def add(self, record: StockCount) -> None:
        record.validate()
        if record.reference in self._records:
            raise ValidationError("reference", f"duplicate stock count {record.reference}")
        self._records[record.reference] = record

    def get(self, reference: str) -> StockCount:
        try:
            return self._records[reference]
        except KeyError:
            raise InventoryError(f"unknown stock count: {reference}") from None

    def update(self, reference: str, **changes) -> StockCount:
        record = self.get(reference)
        for name, value in changes.items():
            if not hasattr(record, name):
                raise ValidationError(name, "unknown field")
            setattr(record, name, value)
        record.validate()
        return record

    def remove(self, reference: str) -> None:
        if self._records.pop(reference, None) is None:
            raise InventoryError(f"unknown stock count: {reference}")

    def where_approved(self, value: bool = True) -> List[StockCount]:
        return [rec for rec in self._records.values() if rec.approved is value]

    def between(self, start: date, end: date) -> List[StockCount]:
        """Records whose counted_on falls in the closed range [start, end]."""
        found = []
        for rec in self._records.values():
            when = rec.counted_on
            if when is not None and start <= when <= end:
                found.append(rec)
        return sorted(found, key=lambda rec: rec.counted_on)

    def dump(self) -> str:
        return json.dumps([rec.to_dict() for rec in self], indent=2)

    def load(self, text: str) -> int:
        rows = json.loads(text)
        for row in rows:
            self.add(StockCount.from_dict(row))
        return len(rows)
