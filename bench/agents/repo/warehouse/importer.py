"""Reading supplier CSV files into stock receipts, with a report of the rows it skipped."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field

from .stock import Stock, StockError

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("sku", "location", "quantity")
MAX_ROWS = 10_000


@dataclass
class ImportReport:
    received: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def skip(self, row_number: int, reason: str) -> None:
        self.skipped.append((row_number, reason))
        log.warning("row %d skipped: %s", row_number, reason)

    @property
    def ok(self) -> bool:
        return not self.skipped


def check_header(header: list[str]) -> list[str]:
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    return header


def parse_quantity(raw: str) -> int:
    value = int(raw.strip())
    if value <= 0:
        raise ValueError(f"quantity must be positive, got {value}")
    return value


def import_rows(stock: Stock, text: str) -> ImportReport:
    """Receive every good row of a CSV text into `stock`; bad rows are reported, not fatal."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    check_header(reader.fieldnames or [])
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            report.skip(number, "too many rows")
            break
        sku = (row.get("sku") or "").strip()
        location = (row.get("location") or "").strip()
        if not sku or not location:
            report.skip(number, "empty sku or location")
            continue
        try:
            quantity = parse_quantity(row.get("quantity") or "")
        except ValueError as exc:
            report.skip(number, str(exc))
            continue
        try:
            stock.receive(sku, location, quantity)
        except StockError as exc:
            report.skip(number, str(exc))
            continue
        report.received += quantity
    return report


def summary(report: ImportReport) -> str:
    lines = [f"received {report.received} units"]
    for number, reason in report.skipped:
        lines.append(f"  row {number}: {reason}")
    return "\n".join(lines)
