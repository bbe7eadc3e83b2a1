"""Stock levels per item and location, with reservations that expire."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

DEFAULT_HOLD_SECONDS = 900
MAX_LOCATIONS = 64


class StockError(Exception):
    """A stock operation that cannot be done."""


@dataclass
class Reservation:
    sku: str
    location: str
    quantity: int
    expires_at: float

    def expired(self, now: float | None = None) -> bool:
        return (now if now is not None else time.time()) >= self.expires_at


@dataclass
class Stock:
    levels: dict[tuple[str, str], int] = field(default_factory=dict)
    reservations: list[Reservation] = field(default_factory=list)

    def level(self, sku: str, location: str) -> int:
        return self.levels.get((sku, location), 0)

    def receive(self, sku: str, location: str, quantity: int) -> int:
        if quantity <= 0:
            raise StockError(f"cannot receive {quantity} of {sku}")
        locations = {loc for _, loc in self.levels}
        if location not in locations and len(locations) >= MAX_LOCATIONS:
            raise StockError(f"too many locations: {location}")
        key = (sku, location)
        self.levels[key] = self.levels.get(key, 0) + quantity
        return self.levels[key]

    def available(self, sku: str, location: str, now: float | None = None) -> int:
        held = sum(
            r.quantity
            for r in self.reservations
            if r.sku == sku and r.location == location and not r.expired(now)
        )
        return self.level(sku, location) - held

    def reserve(self, sku: str, location: str, quantity: int, hold: float = DEFAULT_HOLD_SECONDS) -> Reservation:
        if quantity > self.available(sku, location):
            raise StockError(f"only {self.available(sku, location)} of {sku} available at {location}")
        reservation = Reservation(sku, location, quantity, time.time() + hold)
        self.reservations.append(reservation)
        return reservation

    def release(self, reservation: Reservation) -> None:
        self.reservations.remove(reservation)

    def ship(self, reservation: Reservation) -> int:
        if reservation.expired():
            raise StockError("the reservation has expired")
        self.release(reservation)
        key = (reservation.sku, reservation.location)
        self.levels[key] -= reservation.quantity
        return self.levels[key]

    def purge_expired(self, now: float | None = None) -> int:
        before = len(self.reservations)
        self.reservations = [r for r in self.reservations if not r.expired(now)]
        return before - len(self.reservations)

    def total(self, sku: str) -> int:
        return sum(q for (s, _), q in self.levels.items() if s == sku)

    def locations_of(self, sku: str) -> list[str]:
        return sorted(loc for (s, loc), q in self.levels.items() if s == sku and q > 0)


def transfer(stock: Stock, sku: str, source: str, target: str, quantity: int) -> None:
    """Move stock between locations; nothing moves when the source has too little."""
    if stock.available(sku, source) < quantity:
        raise StockError(f"{source} has too little {sku}")
    stock.levels[(sku, source)] -= quantity
    stock.receive(sku, target, quantity)


def low_stock(stock: Stock, threshold: int = 5) -> list[tuple[str, str, int]]:
    """Every (sku, location, level) at or under the threshold, lowest first."""
    rows = [(sku, loc, q) for (sku, loc), q in stock.levels.items() if q <= threshold]
    return sorted(rows, key=lambda row: (row[2], row[0], row[1]))
