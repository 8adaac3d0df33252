"""One contract for ThresholdBook, run against the in-memory book, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.memory.thresholds import InMemoryThresholdBook
from kiki.adapters.sql.thresholds import SqlThresholdBook
from kiki.core.errors import InvalidInputError
from kiki.synctwin.ports import ALL_CLIENTS, ThresholdBook, ThresholdSetting

AT = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
EVIDENCE = {"outcomes": 412, "net_micros": 2**62 + 1, "rate": 0.0437, "window": ("a", None)}


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def book(request: pytest.FixtureRequest) -> ThresholdBook:
    if request.param == "memory":
        return InMemoryThresholdBook()
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return SqlThresholdBook(engine)


def test_a_client_with_no_threshold_reads_none(book: ThresholdBook) -> None:
    assert book.get("acme") is None
    assert book.history("acme") == []


def test_the_latest_threshold_wins_and_reads_back_bit_for_bit(book: ThresholdBook) -> None:
    book.put("acme", 0.85, {}, AT)
    book.put("acme", 0.43210987654321, EVIDENCE, AT + timedelta(days=7))
    assert book.get("acme") == 0.43210987654321
    assert book.get(ALL_CLIENTS) is None
    assert book.get("other") is None


def test_history_keeps_every_change_with_its_evidence_as_json(book: ThresholdBook) -> None:
    paris = timezone(timedelta(hours=1))
    book.put(ALL_CLIENTS, 0.8, EVIDENCE, AT.astimezone(paris))
    [kept] = book.history(ALL_CLIENTS)
    assert kept == ThresholdSetting(
        client_id=ALL_CLIENTS,
        threshold=0.8,
        evidence={"outcomes": 412, "net_micros": 2**62 + 1, "rate": 0.0437, "window": ["a", None]},
        at=AT,
    )
    assert kept.at.tzinfo == UTC


def test_ranks_by_instant_then_by_order_of_puts(book: ThresholdBook) -> None:
    book.put("acme", 0.7, {"n": 1}, AT + timedelta(days=1))
    book.put("acme", 0.6, {"n": 2}, AT)  # back-dated: does not displace the later one
    assert book.get("acme") == 0.7
    book.put("acme", 0.5, {"n": 3}, AT + timedelta(days=1))  # same instant, put later: wins
    assert book.get("acme") == 0.5
    assert [s.evidence["n"] for s in book.history("acme")] == [2, 1, 3]


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_refuses_a_threshold_the_gate_cannot_use_and_keeps_nothing(
    book: ThresholdBook, threshold: float
) -> None:
    with pytest.raises(InvalidInputError, match="threshold"):
        book.put("acme", threshold, {}, AT)
    assert book.history("acme") == []


def test_refuses_a_naive_instant(book: ThresholdBook) -> None:
    with pytest.raises(InvalidInputError, match="at"):
        book.put("acme", 0.8, {}, AT.replace(tzinfo=None))
    assert book.get("acme") is None
