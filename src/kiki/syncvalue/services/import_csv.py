"""Import one CSV file of customers, orders or spend for a client, all of it or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from kiki.core.errors import InvalidInputError
from kiki.syncvalue.domain.csv_format import read_records
from kiki.syncvalue.domain.records import (
    CustomerRecord,
    ImportResult,
    OrderRecord,
    Record,
    RecordKind,
    SpendRecord,
)
from kiki.syncvalue.errors import CsvRowError
from kiki.syncvalue.ports import ValueImporter

ProgressCallback = Callable[[int], None]
_PROGRESS_EVERY_LINES = 2_000
MAX_CLIENT_ID_LENGTH = 100

_R = TypeVar("_R", CustomerRecord, OrderRecord, SpendRecord)


def import_csv(
    kind: RecordKind,
    source: Iterable[bytes],
    *,
    client_id: str,
    importer: ValueImporter,
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Stream ``source`` (the file's lines as UTF-8 bytes) into the client's data.

    ``on_progress`` is told how many bytes have been read so far, now and then. A bad row
    raises CsvRowError (an InvalidInputError) naming its line, and nothing is written.
    """
    if not client_id.strip() or len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise InvalidInputError("client_id", f"must be 1..{MAX_CLIENT_ID_LENGTH} characters")
    lines = _decoded(source, on_progress)
    records = read_records(kind, lines)
    if kind is RecordKind.ORDERS:
        return importer.import_orders(client_id, _only(records, OrderRecord))
    if kind is RecordKind.CUSTOMERS:
        return importer.import_customers(client_id, _only(records, CustomerRecord))
    return importer.import_spend(client_id, _only(records, SpendRecord))


def _decoded(source: Iterable[bytes], on_progress: ProgressCallback | None) -> Iterator[str]:
    read_bytes = 0
    for number, raw in enumerate(source, start=1):
        read_bytes += len(raw)
        if on_progress is not None and number % _PROGRESS_EVERY_LINES == 0:
            on_progress(read_bytes)
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise CsvRowError(number, "encoding", "is not UTF-8") from None
    if on_progress is not None:
        on_progress(read_bytes)


def _only(records: Iterator[Record], kind: type[_R]) -> Iterator[_R]:
    for record in records:
        if not isinstance(record, kind):  # pragma: no cover - read_records yields one kind
            raise TypeError(f"expected {kind.__name__}, got {type(record).__name__}")
        yield record
