"""The import service: decoding, progress, routing to the importer, all or nothing."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pytest

from kiki.core.errors import InvalidInputError
from kiki.syncvalue.domain.records import (
    CustomerRecord,
    ImportResult,
    OrderRecord,
    Record,
    RecordKind,
    SpendRecord,
)
from kiki.syncvalue.errors import CsvRowError
from kiki.syncvalue.services.import_csv import import_csv


class TransactionalImporter:
    """Keeps a file's records only if iterating all of them succeeds, as a transaction would."""

    def __init__(self) -> None:
        self.committed: dict[str, list[Record]] = {}

    def _take(self, client_id: str, kind: RecordKind, records: Iterable[Record]) -> ImportResult:
        batch = list(records)
        self.committed.setdefault(client_id, []).extend(batch)
        return ImportResult(kind, rows=len(batch), new=len(batch))

    def import_customers(self, client_id: str, records: Iterable[CustomerRecord]) -> ImportResult:
        return self._take(client_id, RecordKind.CUSTOMERS, records)

    def import_orders(self, client_id: str, records: Iterable[OrderRecord]) -> ImportResult:
        return self._take(client_id, RecordKind.ORDERS, records)

    def import_spend(self, client_id: str, records: Iterable[SpendRecord]) -> ImportResult:
        return self._take(client_id, RecordKind.SPEND, records)


ORDERS = b"\xef\xbb\xbfcustomer_id,ordered_at,amount\n" + b"c1,2024-01-01,1\n" * 4_999


def test_imports_each_kind_through_the_matching_importer_method() -> None:
    importer = TransactionalImporter()
    files = {
        RecordKind.ORDERS: b"customer_id,ordered_at,amount\nc1,2024-01-01,1\n",
        RecordKind.CUSTOMERS: b"customer_id,platform,acquired_at\nc1,meta,2024-01-01\n",
        RecordKind.SPEND: b"date,platform,spend\n2024-01-01,meta,3\n",
    }
    for kind, content in files.items():
        result = import_csv(kind, io.BytesIO(content), client_id="acme", importer=importer)
        assert (result.kind, result.rows) == (kind, 1)
    kinds = [type(r) for r in importer.committed["acme"]]
    assert kinds == [OrderRecord, CustomerRecord, SpendRecord]


def test_reports_progress_in_bytes_up_to_the_whole_file() -> None:
    seen: list[int] = []
    result = import_csv(
        RecordKind.ORDERS,
        io.BytesIO(ORDERS),
        client_id="acme",
        importer=TransactionalImporter(),
        on_progress=seen.append,
    )
    assert result.rows == 4_999
    assert seen == sorted(seen)
    assert len(seen) == 3
    assert seen[-1] == len(ORDERS)


def test_a_bad_row_commits_nothing() -> None:
    importer = TransactionalImporter()
    content = b"customer_id,ordered_at,amount\nc1,2024-01-01,1\nc2,2024-01-01,-1\n"
    with pytest.raises(CsvRowError, match="line 3: amount: must not be negative"):
        import_csv(RecordKind.ORDERS, io.BytesIO(content), client_id="acme", importer=importer)
    assert importer.committed == {}


def test_bytes_that_are_not_utf8_are_a_bad_row() -> None:
    content = b"customer_id,ordered_at,amount\nc\xff,2024-01-01,1\n"
    with pytest.raises(CsvRowError, match="line 2: encoding"):
        import_csv(
            RecordKind.ORDERS,
            io.BytesIO(content),
            client_id="acme",
            importer=TransactionalImporter(),
        )


@pytest.mark.parametrize("client_id", ["", "  ", "x" * 101])
def test_refuses_a_blank_or_overlong_client_id(client_id: str) -> None:
    with pytest.raises(InvalidInputError, match="client_id"):
        import_csv(
            RecordKind.ORDERS,
            io.BytesIO(ORDERS),
            client_id=client_id,
            importer=TransactionalImporter(),
        )
