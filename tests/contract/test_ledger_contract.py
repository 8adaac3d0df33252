"""The Ledger port's contract, run on every implementation: SqlLedger on SQLite and on
PostgreSQL, and GrpcLedger talking to a real server on loopback whose ledger is SqlLedger."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiki.adapters.grpc_clients import GrpcLedger
from kiki.adapters.sql.ledger import SqlLedger
from kiki.core.money import Money
from kiki.syncledger import (
    IN_TRANSIT,
    Transfer,
    TransferConflictError,
    TransferKind,
    balances,
    summarize_shifts,
)
from kiki.syncledger.ledger import reconciling_view, unresolved
from kiki.syncledger.ports import Ledger
from tests.contract.remote import serving

T0 = datetime(2026, 2, 3, 9, 5, 0, 123456, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "grpc"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    if request.param == "grpc":
        with serving(tmp_path / "remote", clients=("acme", "globex")) as remote:
            yield GrpcLedger(remote.service())
        return
    yield SqlLedger(request.getfixturevalue(f"{request.param}_engine"))


def leg(
    suffix: str,
    kind: TransferKind,
    source: str,
    destination: str,
    *,
    shift: str = "s1",
    client: str = "acme",
    amount: int = 100_000_000,
    at: datetime = T0,
    corrects: str | None = None,
) -> Transfer:
    return Transfer(  # ids in the client's namespace, as the cycle's and as a remote ledger asks
        transfer_id=f"{client}/{shift}:{suffix}",
        client_id=client,
        shift_id=f"{client}/{shift}",
        kind=kind,
        source=source,
        destination=destination,
        amount=Money(amount),
        reason="Efficiency drop",
        at=at,
        corrects=corrects,
        bound_for="budget:PLATFORM_TIKTOK" if kind is TransferKind.SHIFT_OUT else None,
    )


OUT = leg("out", TransferKind.SHIFT_OUT, "budget:PLATFORM_META", IN_TRANSIT)
IN = leg(
    "in", TransferKind.SHIFT_IN, IN_TRANSIT, "budget:PLATFORM_TIKTOK", at=T0 + timedelta(seconds=1)
)


def test_records_and_reads_back_transfers_exactly_in_order(ledger: Ledger) -> None:
    assert ledger.record(OUT) is True
    assert ledger.record(IN) is True
    assert ledger.transfers() == [OUT, IN]
    assert ledger.transfers()[0].at == T0  # microseconds and UTC survive the round trip


def test_a_retry_with_the_same_id_records_nothing_new(ledger: Ledger) -> None:
    ledger.record(OUT)
    assert ledger.record(OUT) is False
    assert len(ledger.transfers()) == 1


def test_a_reused_id_with_different_content_is_refused_and_the_first_stands(ledger: Ledger) -> None:
    ledger.record(OUT)
    other = leg("out", TransferKind.SHIFT_OUT, "budget:PLATFORM_META", IN_TRANSIT, amount=1)
    with pytest.raises(TransferConflictError):
        ledger.record(other)
    assert ledger.transfers() == [OUT]


def test_filters_by_client_and_time(ledger: Ledger) -> None:
    other = leg(
        "out",
        TransferKind.SHIFT_OUT,
        "budget:PLATFORM_META",
        IN_TRANSIT,
        shift="s2",
        client="globex",
        at=T0 - timedelta(days=2),
    )
    for t in (OUT, IN, other):
        ledger.record(t)
    assert ledger.transfers(client_id="globex") == [other]
    assert ledger.transfers(since=T0 - timedelta(days=1)) == [OUT, IN]


def test_balances_sum_to_zero_and_a_rollback_corrects_without_editing(ledger: Ledger) -> None:
    back = leg(
        "rollback",
        TransferKind.ROLLBACK,
        IN_TRANSIT,
        "budget:PLATFORM_META",
        shift="s2",
        corrects="acme/s2:out",
    )
    out2 = leg("out", TransferKind.SHIFT_OUT, "budget:PLATFORM_META", IN_TRANSIT, shift="s2")
    for t in (OUT, IN, out2, back):
        ledger.record(t)
    net = balances(ledger.transfers())
    assert sum(m.micros for m in net.values()) == 0
    assert net == {
        "budget:PLATFORM_META": Money(-100_000_000),
        "budget:PLATFORM_TIKTOK": Money(100_000_000),
        IN_TRANSIT: Money(0),
    }
    assert [(s.shift_id, s.status.value) for s in summarize_shifts(ledger.transfers())] == [
        ("acme/s1", "APPLIED"),
        ("acme/s2", "ROLLED_BACK"),
    ]


def test_concurrent_writers_of_the_same_transfer_record_it_once(ledger: Ledger) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def write() -> None:
        barrier.wait()
        results.append(ledger.record(OUT))

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert ledger.transfers() == [OUT]


def test_a_two_phase_shift_keeps_its_budgets_before_and_only_its_posting_moves_money(
    ledger: Ledger,
) -> None:
    pending = Transfer(
        transfer_id="acme/s9:pending",
        client_id="acme",
        shift_id="acme/s9",
        kind=TransferKind.PENDING,
        source="budget:PLATFORM_META",
        destination="budget:PLATFORM_TIKTOK",
        amount=Money(100_000_000),
        reason="Efficiency drop",
        at=T0,
        source_before=Money(500_000_000),
        destination_before=Money(400_000_000),
    )
    ledger.record(pending)
    [back] = ledger.transfers(client_id="acme")
    assert back == pending
    assert (back.source_target, back.destination_target) == (
        Money(400_000_000),
        Money(500_000_000),
    )
    assert balances(ledger.transfers()) == {}
    assert [s.status.value for s in summarize_shifts(ledger.transfers())] == ["PENDING"]
    posted = Transfer(
        transfer_id="acme/s9:post",
        client_id="acme",
        shift_id="acme/s9",
        kind=TransferKind.POSTED,
        source=pending.source,
        destination=pending.destination,
        amount=pending.amount,
        reason="Efficiency drop",
        at=T0 + timedelta(seconds=1),
        corrects=pending.transfer_id,
    )
    ledger.record(posted)
    assert balances(ledger.transfers()) == {
        "budget:PLATFORM_META": Money(-100_000_000),
        "budget:PLATFORM_TIKTOK": Money(100_000_000),
    }
    assert [s.status.value for s in summarize_shifts(ledger.transfers())] == ["APPLIED"]


def two_phase(shift: str, at: datetime, resolution: TransferKind | None) -> list[Transfer]:
    """A pending META -> TikTok shift of acme's, and its resolution unless None."""
    shift = f"acme/{shift}"
    pending = Transfer(
        transfer_id=f"{shift}:pending",
        client_id="acme",
        shift_id=shift,
        kind=TransferKind.PENDING,
        source="budget:PLATFORM_META",
        destination="budget:PLATFORM_TIKTOK",
        amount=Money(10_000_000),
        reason="Efficiency drop",
        at=at,
        source_before=Money(500_000_000),
        destination_before=Money(400_000_000),
    )
    if resolution is None:
        return [pending]
    done = Transfer(
        transfer_id=f"{shift}:{resolution.value.lower()}",
        client_id="acme",
        shift_id=shift,
        kind=resolution,
        source=pending.source,
        destination=pending.destination,
        amount=pending.amount,
        reason="done",
        at=at + timedelta(seconds=1),
        corrects=pending.transfer_id,
    )
    return [pending, done]


def test_reconciling_reads_only_what_the_reconciler_needs(ledger: Ledger) -> None:
    history = [
        OUT,  # a legacy leg through transit, long ago: always needed (the transit balance)
        *two_phase("old-1", T0 + timedelta(minutes=1), TransferKind.POSTED),
        *two_phase("old-2", T0 + timedelta(minutes=2), TransferKind.VOIDED),
        *two_phase("open", T0 + timedelta(minutes=3), None),  # the first unresolved one
        *two_phase("later", T0 + timedelta(minutes=4), TransferKind.POSTED),
    ]
    for t in history:
        ledger.record(t)
    other = [leg("x", TransferKind.SHIFT_OUT, "budget:PLATFORM_META", IN_TRANSIT, client="globex")]
    ledger.record(other[0])
    view = ledger.transfers(client_id="acme", reconciling=True)
    assert view == reconciling_view(history)
    assert [t.shift_id for t in view] == ["acme/s1", "acme/open", "acme/later", "acme/later"]
    # what the reconciler computes from it is what it computes from the whole history
    assert unresolved(view) == unresolved(history)
    assert balances(view).get(IN_TRANSIT) == balances(history).get(IN_TRANSIT)
    # once the open transfer is resolved, only the transit leg is left to read
    ledger.record(two_phase("open", T0 + timedelta(minutes=3), TransferKind.ROLLED_BACK)[1])
    assert ledger.transfers(client_id="acme", reconciling=True) == [OUT]


def test_transfers_of_one_shift_and_of_a_window(ledger: Ledger) -> None:
    history = [
        *two_phase("a", T0, TransferKind.POSTED),
        *two_phase("b", T0 + timedelta(hours=2), TransferKind.VOIDED),
    ]
    for t in history:
        ledger.record(t)
    assert ledger.transfers(client_id="acme", shift_id="acme/b") == history[2:]
    assert ledger.transfers(client_id="acme", shift_id="acme/zzz") == []
    assert ledger.transfers(client_id="acme", since=T0 + timedelta(hours=1)) == history[2:]
