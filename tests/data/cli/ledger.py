"""A ledger of dated entries with running balances."""

from dataclasses import dataclass
from datetime import date


@dataclass
class Entry:
    day: date
    description: str
    amount: float


class Ledger:
    def __init__(self, opening_balance=0.0):
        self.opening_balance = opening_balance
        self.entries = []

    def record(self, day, description, amount):
        self.entries.append(Entry(day, description, amount))

    def balance(self, until=None):
        balance = self.opening_balance
        for entry in self.entries:
            if until is None or entry.day <= until:
                balance += entry.amount
        return balance

    def statement(self):
        lines = []
        balance = self.opening_balance
        for entry in sorted(self.entries, key=lambda e: e.day):
            balance += entry.amount
            lines.append(f"{entry.day} {entry.description:30s} {entry.amount:10.2f} {balance:10.2f}")
        return "\n".join(lines)

    def largest_expense(self):
        expenses = [e for e in self.entries if e.amount < 0]
        if not expenses:
            return None
        return min(expenses, key=lambda e: e.amount)

    def months(self):
        return sorted({(e.day.year, e.day.month) for e in self.entries})
