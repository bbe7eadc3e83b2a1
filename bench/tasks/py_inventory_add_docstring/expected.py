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
        """Delete the carrier with the given code."""
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
