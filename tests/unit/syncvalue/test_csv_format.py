"""Parsing the three CSV formats strictly, with line numbers, and keying rows for re-imports."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncvalue.domain.csv_format import order_id_key, parse_instant, read_records
from kiki.syncvalue.domain.records import CustomerRecord, OrderRecord, RecordKind, SpendRecord
from kiki.syncvalue.errors import CsvRowError


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _orders(text: str) -> list[OrderRecord]:
    records = list(read_records(RecordKind.ORDERS, _lines(text)))
    assert all(isinstance(r, OrderRecord) for r in records)
    return records  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
        ("2024-03-05T10:30:00", datetime(2024, 3, 5, 10, 30, tzinfo=UTC)),
        ("2024-03-05 10:30", datetime(2024, 3, 5, 10, 30, tzinfo=UTC)),
        ("2024-03-05T10:30:00+02:00", datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        ("2024-03-05T10:30:00Z", datetime(2024, 3, 5, 10, 30, tzinfo=UTC)),
        ("20240305", datetime(2024, 3, 5, tzinfo=UTC)),
    ],
)
def test_reads_iso_8601_instants_as_utc(text: str, expected: datetime) -> None:
    assert parse_instant(text, field="at") == expected


def test_reads_orders_with_optional_columns_and_ignores_extra_ones() -> None:
    (first, second) = _orders(
        "note,customer_id,ordered_at,amount,order_id,platform\n"
        "x,c1,2024-03-05,12.50,A-1,meta\n"
        "y, c2 ,2024-03-06T08:00:00+01:00,0,,PLATFORM_TIKTOK\n"
    )
    assert first == OrderRecord(
        key=order_id_key("A-1"),
        customer_id="c1",
        ordered_at=datetime(2024, 3, 5, tzinfo=UTC),
        amount=Money(12_500_000),
        order_id="A-1",
        platform=Platform.META,
    )
    assert second.customer_id == "c2"
    assert second.ordered_at == datetime(2024, 3, 6, 7, tzinfo=UTC)
    assert second.amount == Money(0)
    assert second.order_id is None
    assert second.platform is Platform.TIKTOK
    assert second.key.startswith("r:")


def test_orders_without_platform_column_have_no_platform() -> None:
    (order,) = _orders("customer_id,ordered_at,amount\nc1,2024-03-05,1\n")
    assert order.platform is None


def test_repeated_rows_in_one_file_get_distinct_keys_that_a_reread_reproduces() -> None:
    text = "customer_id,ordered_at,amount\nc1,2024-03-05,5\nc1,2024-03-05,5\nc2,2024-03-05,5\n"
    keys = [o.key for o in _orders(text)]
    assert len(set(keys)) == 3
    assert [o.key for o in _orders(text)] == keys


def test_an_export_that_grew_keeps_the_keys_of_the_rows_it_already_had() -> None:
    head = "customer_id,ordered_at,amount\nc1,2024-03-05,5\nc1,2024-03-05,5\n"
    grown = head + "c1,2024-03-05,5\nc3,2024-03-07,1\n"
    old = [o.key for o in _orders(head)]
    new = [o.key for o in _orders(grown)]
    assert new[:2] == old
    assert len(set(new)) == 4


def test_content_keys_see_through_spelling_of_the_same_values() -> None:
    a = _orders("customer_id,ordered_at,amount,platform\nc1,2024-03-05,5.0,meta\n")
    b = _orders("customer_id,ordered_at,amount,platform\nc1,2024-03-05T00:00:00Z,5,META\n")
    assert a[0].key == b[0].key


def test_reads_customers() -> None:
    records = list(
        read_records(
            RecordKind.CUSTOMERS, _lines("customer_id,platform,acquired_at\nc1,google,2024-01-02\n")
        )
    )
    assert records == [CustomerRecord("c1", Platform.GOOGLE, datetime(2024, 1, 2, tzinfo=UTC))]


def test_reads_spend_with_optional_counts() -> None:
    text = (
        "date,platform,spend,impressions,clicks,conversions\n"
        "2024-01-02,amazon,100.25,1000,10,\n"
        "2024-01-02,amazon,100.25,1000,10,\n"
    )
    first, second = list(read_records(RecordKind.SPEND, _lines(text)))
    assert isinstance(first, SpendRecord)
    assert isinstance(second, SpendRecord)
    assert (first.day, first.platform, first.spend) == (
        date(2024, 1, 2),
        Platform.AMAZON,
        Money(100_250_000),
    )
    assert (first.impressions, first.clicks, first.conversions) == (1000, 10, None)
    assert first.key != second.key


def test_skips_blank_lines() -> None:
    assert len(_orders("customer_id,ordered_at,amount\n\nc1,2024-03-05,5\n,,\n")) == 1


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        ("c1,2024-03-05,-1", "amount", "must not be negative"),
        ("c1,2024-03-05,abc", "amount", "is not a number"),
        ("c1,2024-03-05,1.0000001", "amount", "more than 6 decimals"),
        ("c1,2024-03-05,NaN", "amount", "finite"),
        ("c1,yesterday,1", "ordered_at", "not an ISO 8601"),
        ("c1,2024-03-05", "amount", "missing"),
        (",2024-03-05,1", "customer_id", "is empty"),
        ("c1,2024-03-05,1,myspace", "platform", "unknown platform"),
    ],
)
def test_a_bad_row_names_its_line_column_and_rule(row: str, column: str, rule: str) -> None:
    text = f"customer_id,ordered_at,amount,platform\nc0,2024-03-01,1,meta\n{row}\n"
    with pytest.raises(CsvRowError, match=rule) as caught:
        _orders(text)
    assert caught.value.line == 3
    assert caught.value.column == column
    assert str(caught.value).startswith(f"line 3: {column}: ")


def test_line_numbers_count_physical_lines_of_quoted_multiline_cells() -> None:
    text = 'customer_id,ordered_at,amount,note\nc1,2024-03-05,1,"two\nlines"\nc2,bad,1,\n'
    with pytest.raises(CsvRowError) as caught:
        _orders(text)
    assert caught.value.line == 4


def test_a_header_without_a_required_column_fails_on_line_one() -> None:
    with pytest.raises(CsvRowError, match="missing column") as caught:
        list(read_records(RecordKind.SPEND, _lines("date,spend\n2024-01-01,1\n")))
    assert (caught.value.line, str(caught.value)) == (
        1,
        "line 1: header: missing column(s) platform",
    )


def test_an_empty_file_fails_on_line_one() -> None:
    with pytest.raises(CsvRowError, match="empty"):
        list(read_records(RecordKind.ORDERS, []))


@pytest.mark.parametrize(
    ("row", "column"),
    [("2024-01-01T10:00,meta,1", "date"), ("2024-01-01,meta,1,-3", "impressions")],
)
def test_spend_needs_a_date_and_whole_counts(row: str, column: str) -> None:
    with pytest.raises(CsvRowError) as caught:
        list(read_records(RecordKind.SPEND, _lines(f"date,platform,spend,impressions\n{row}\n")))
    assert caught.value.column == column


def test_ids_longer_than_200_characters_are_refused() -> None:
    with pytest.raises(CsvRowError, match="longer than 200"):
        _orders(f"customer_id,ordered_at,amount\n{'x' * 201},2024-01-01,1\n")


def test_error_can_name_its_file() -> None:
    error = CsvRowError(7, "amount", "must not be negative").in_file("orders.csv")
    assert str(error) == "orders.csv line 7: amount: must not be negative"
