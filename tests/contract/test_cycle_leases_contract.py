"""Cycle leases and client states on SQLite and PostgreSQL: one holder at a time, expiry with
a grace period, growing tokens, and ledger writes fenced by the lease they were made under."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.sql.ledger import SqlLedger
from kiki.adapters.sql.safety import SqlClientStates, SqlCycleLeases
from kiki.core.money import Money
from kiki.syncflow.domain.client_state import ClientState, ClientStatus
from kiki.syncledger.errors import FencedOutError
from kiki.syncledger.ledger import Transfer, TransferKind

T0 = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)


def pending(shift: str) -> Transfer:
    return Transfer(
        transfer_id=f"{shift}:pending",
        client_id="acme",
        shift_id=shift,
        kind=TransferKind.PENDING,
        source="budget:PLATFORM_META",
        destination="budget:PLATFORM_TIKTOK",
        amount=Money(1),
        reason="r",
        at=T0,
        source_before=Money(10),
        destination_before=Money(10),
    )


def test_one_holder_at_a_time_until_the_lease_expires_and_its_grace_passes(
    engine: Engine,
) -> None:
    one, two = SqlCycleLeases(engine, grace_s=30), SqlCycleLeases(engine, grace_s=30)
    first = one.acquire("acme", ttl_s=60, now=T0)
    assert first is not None
    assert two.acquire("acme", ttl_s=60, now=T0 + timedelta(seconds=59)) is None
    assert two.acquire("acme", ttl_s=60, now=T0 + timedelta(seconds=80)) is None  # in grace
    assert one.holds(first, now=T0 + timedelta(seconds=59))
    assert not one.holds(first, now=T0 + timedelta(seconds=60))  # expired: act no more
    second = two.acquire("acme", ttl_s=60, now=T0 + timedelta(seconds=91))
    assert second is not None
    assert second.token == first.token + 1
    assert not one.holds(first, now=T0)  # superseded, whatever its clock says
    assert one.acquire("globex", ttl_s=60, now=T0) is not None  # leases are per client


def test_a_released_lease_is_free_at_once(engine: Engine) -> None:
    leases = SqlCycleLeases(engine)
    lease = leases.acquire("acme", ttl_s=60, now=T0)
    assert lease is not None
    leases.release(lease)
    again = leases.acquire("acme", ttl_s=60, now=T0)
    assert again is not None
    assert again.token == lease.token + 1
    leases.release(lease)  # a stale release leaves the new holder be
    assert leases.holds(again, now=T0)


def test_a_ledger_write_under_a_lease_another_holder_took_over_is_refused(
    engine: Engine,
) -> None:
    one, two = SqlCycleLeases(engine, grace_s=0), SqlCycleLeases(engine, grace_s=0)
    ledger = SqlLedger(engine)
    stalled = one.acquire("acme", ttl_s=10, now=T0)
    assert stalled is not None
    assert ledger.record(pending("s1"), fence=stalled)
    taken = two.acquire("acme", ttl_s=10, now=T0 + timedelta(seconds=11))
    assert taken is not None
    with pytest.raises(FencedOutError):
        ledger.record(pending("s2"), fence=stalled)
    assert ledger.record(pending("s3"), fence=taken)
    assert [t.shift_id for t in ledger.transfers()] == ["s1", "s3"]


def test_client_states_are_kept_and_a_client_never_set_is_active(engine: Engine) -> None:
    states = SqlClientStates(engine)
    assert states.get("acme") == ClientStatus("acme", ClientState.ACTIVE)
    stuck = ClientStatus("acme", ClientState.STUCK, "shift s1 half made", T0, {"shift_id": "s1"})
    states.set(stuck)
    assert states.get("acme") == stuck
    states.set(ClientStatus("acme", ClientState.ACTIVE, "resumed", T0 + timedelta(hours=1)))
    states.set(ClientStatus("beta", ClientState.PAUSED, "asked", T0))
    assert [(s.client_id, s.state) for s in states.all()] == [
        ("acme", ClientState.ACTIVE),
        ("beta", ClientState.PAUSED),
    ]
