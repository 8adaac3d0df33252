"""The CSV formats SyncValue imports, parsed strictly row by row, with idempotency keys.

Columns (a header row first; extra columns are ignored; empty optional cells mean unknown):

- orders: ``customer_id, ordered_at, amount`` and optional ``order_id, platform``
- customers: ``customer_id, platform, acquired_at``
- spend: ``date, platform, spend`` and optional ``impressions, clicks, conversions``

Instants are ISO 8601; a bare date means 00:00 UTC and a date-time without an offset is UTC.
Money is in currency units (at most six decimals, never negative). Platforms are written
``PLATFORM_META`` or ``meta``. Errors name the file's line number, the column and the rule.

Keys: an order with an ``order_id`` is keyed on it. Any other order, and every spend row, is
keyed on its parsed content plus how many identical rows came before it in the same file, so
re-importing a file (or an export that grew) adds nothing twice, while a row repeated inside one
file is kept as many times as it appears.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncvalue.domain.definitions import midnight
from kiki.syncvalue.domain.records import (
    CustomerRecord,
    OrderRecord,
    Record,
    RecordKind,
    SpendRecord,
)
from kiki.syncvalue.errors import CsvRowError

MAX_ID_LENGTH = 200

REQUIRED_COLUMNS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.ORDERS: ("customer_id", "ordered_at", "amount"),
    RecordKind.CUSTOMERS: ("customer_id", "platform", "acquired_at"),
    RecordKind.SPEND: ("date", "platform", "spend"),
}
OPTIONAL_COLUMNS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.ORDERS: ("order_id", "platform"),
    RecordKind.CUSTOMERS: (),
    RecordKind.SPEND: ("impressions", "clicks", "conversions"),
}

Row = dict[str, str | None]


def parse_instant(value: str, *, field: str) -> datetime:
    """ISO 8601 date or date-time, as aware UTC (bare date: 00:00 UTC; no offset: UTC)."""
    text = value.strip()
    try:
        if len(text) <= 10 and "T" not in text and " " not in text:
            return midnight(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(field, f"{value!r} is not an ISO 8601 date or date-time") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_day(value: str, *, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInputError(field, f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


def parse_count(value: str, *, field: str) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        raise InvalidInputError(field, f"{value!r} is not a whole number >= 0")
    return int(text)


def parse_id(value: str, *, field: str) -> str:
    text = value.strip()
    if len(text) > MAX_ID_LENGTH:
        raise InvalidInputError(field, f"is longer than {MAX_ID_LENGTH} characters")
    return text


class _Keyer:
    """Content keys that count repeats, so identical rows inside one file stay distinct."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._seen: dict[bytes, int] = {}

    def key(self, *parts: object) -> str:
        content = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
        occurrence = self._seen.get(content, 0)
        self._seen[content] = occurrence + 1
        digest = hashlib.sha256(content + occurrence.to_bytes(8, "big")).hexdigest()
        return f"{self._prefix}{digest}"


def order_id_key(order_id: str) -> str:
    return "o:" + hashlib.sha256(order_id.encode()).hexdigest()


def _required(row: Row, column: str) -> str:
    value = row.get(column)
    if value is None:
        raise InvalidInputError(column, "is missing from this row")
    if not value.strip():
        raise InvalidInputError(column, "is empty")
    return value


def _optional(row: Row, column: str) -> str | None:
    value = row.get(column)
    return value if value is not None and value.strip() else None


def _orders() -> Callable[[Row], Record]:
    keyer = _Keyer("r:")

    def parse(row: Row) -> Record:
        customer_id = parse_id(_required(row, "customer_id"), field="customer_id")
        ordered_at = parse_instant(_required(row, "ordered_at"), field="ordered_at")
        amount = Money.parse(_required(row, "amount"), field="amount")
        order_text = _optional(row, "order_id")
        order_id = None if order_text is None else parse_id(order_text, field="order_id")
        platform_text = _optional(row, "platform")
        platform = None if platform_text is None else Platform.parse(platform_text)
        if order_id is not None:
            key = order_id_key(order_id)
        else:
            key = keyer.key(
                customer_id,
                ordered_at.isoformat(),
                amount.micros,
                platform.value if platform else "",
            )
        return OrderRecord(key, customer_id, ordered_at, amount, order_id, platform)

    return parse


def _customers() -> Callable[[Row], Record]:
    def parse(row: Row) -> Record:
        return CustomerRecord(
            customer_id=parse_id(_required(row, "customer_id"), field="customer_id"),
            platform=Platform.parse(_required(row, "platform")),
            acquired_at=parse_instant(_required(row, "acquired_at"), field="acquired_at"),
        )

    return parse


def _spend() -> Callable[[Row], Record]:
    keyer = _Keyer("s:")

    def parse(row: Row) -> Record:
        day = parse_day(_required(row, "date"), field="date")
        platform = Platform.parse(_required(row, "platform"))
        spend = Money.parse(_required(row, "spend"), field="spend")
        counts = [
            None if (text := _optional(row, name)) is None else parse_count(text, field=name)
            for name in OPTIONAL_COLUMNS[RecordKind.SPEND]
        ]
        key = keyer.key(day.isoformat(), platform.value, spend.micros, *counts)
        return SpendRecord(key, day, platform, spend, *counts)

    return parse


_PARSERS: dict[RecordKind, Callable[[], Callable[[Row], Record]]] = {
    RecordKind.ORDERS: _orders,
    RecordKind.CUSTOMERS: _customers,
    RecordKind.SPEND: _spend,
}


def read_records(kind: RecordKind, lines: Iterable[str]) -> Iterator[Record]:
    """Parse ``lines`` (a CSV file's text, newlines kept) lazily into records of ``kind``.

    Raises CsvRowError at the first bad row, with the file's line number (1 is the header).
    """
    reader = csv.reader(iter(lines))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvRowError(1, "header", "the file is empty; a header row is required") from None
    except csv.Error as exc:
        raise CsvRowError(1, "header", f"not CSV ({exc})") from None
    columns = _check_header(kind, header)
    parse = _PARSERS[kind]()
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvRowError(reader.line_num, "row", f"not CSV ({exc})") from None
        if not any(cell.strip() for cell in cells):
            continue
        row: Row = {
            name: cells[index] if index < len(cells) else None for name, index in columns.items()
        }
        try:
            yield parse(row)
        except InvalidInputError as exc:
            raise CsvRowError(reader.line_num, exc.field, exc.rule) from exc


def _check_header(kind: RecordKind, header: Sequence[str]) -> dict[str, int]:
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    missing = [c for c in REQUIRED_COLUMNS[kind] if c not in names]
    if missing:
        raise CsvRowError(1, "header", f"missing column(s) {', '.join(missing)}")
    wanted = REQUIRED_COLUMNS[kind] + OPTIONAL_COLUMNS[kind]
    return {name: names.index(name) for name in wanted if name in names}
