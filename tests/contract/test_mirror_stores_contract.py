"""One contract for the mirror's stores: its state (in process and Redis) and its verdicts (in
process, SQLite and PostgreSQL)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.memory.mirror import InMemoryMirrorState, InMemoryMirrorVerdicts
from kiki.adapters.sql.mirror import SqlMirrorVerdicts
from kiki.campaigns.projection import Projection
from kiki.synctwin.domain.mirror import EventBatch, MirrorAction, MirrorEvent
from kiki.synctwin.mirror_ports import MirrorRows, MirrorStateStore, MirrorVerdict, MirrorVerdicts

AT = datetime(2026, 2, 3, 9, tzinfo=UTC)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def state(request: pytest.FixtureRequest) -> Iterator[MirrorStateStore]:
    if request.param == "memory":
        yield InMemoryMirrorState()
        return
    from kiki.adapters.redis.mirror import RedisMirrorState, redis_client

    client = redis_client(request.getfixturevalue("redis_url"))
    prefix = f"test:{secrets.token_hex(4)}:"
    yield RedisMirrorState(client, prefix=prefix)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def rows(*events: tuple[str, int, int]) -> MirrorRows:
    batch = EventBatch.of(
        [MirrorEvent(c, seq, 10 * rev, 1.5, rev, 1_770_000_000.25 + seq) for c, seq, rev in events]
    )
    n = len(batch)
    return MirrorRows(
        batch,
        deviations=np.full(n, -0.2),
        projected_revenue_micros=batch.revenue_micros * 1.25,
        projected_spend_micros=np.full(n, 7.0),
        projected_conversions=np.full(n, 0.5),
    )


def test_only_newer_sequences_are_taken_in_arrival_order(state: MirrorStateStore) -> None:
    state.watch("a", Projection(AT, 30, 3_000, 1_500, 6.0))
    state.watch("b", None)
    taken = state.advance(
        rows(("a", 5, 100), ("a", 5, 999), ("b", 1, 7), ("a", 4, 1), ("a", 6, 120))
    )
    assert taken.tolist() == [True, False, True, False, True]
    assert state.advance(rows(("a", 6, 0), ("b", 2**53 - 1, 8))).tolist() == [False, True]
    a = state.state("a")
    assert a is not None
    assert (a.sequence, a.revenue_micros, a.spend_micros, a.projected_revenue_micros) == (
        6,
        120,
        1_200,
        150,
    )
    assert a.deviation == pytest.approx(-0.2)
    assert a.at_s == pytest.approx(1_770_000_006.25)
    b = state.state("b")
    assert b is not None
    assert b.sequence == 2**53 - 1
    assert state.state("nobody") is None


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def verdicts(request: pytest.FixtureRequest) -> MirrorVerdicts:
    if request.param == "memory":
        return InMemoryMirrorVerdicts()
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return SqlMirrorVerdicts(engine)


def verdict(campaign_id: str, action: MirrorAction, *, sequence: int = 7) -> MirrorVerdict:
    return MirrorVerdict(
        campaign_id=campaign_id,
        client_id="acme",
        action=action,
        sequence=sequence,
        decided_at=AT + timedelta(seconds=sequence),
        deviation=-0.2,
        real_revenue_micros=800,
        projected_revenue_micros=1_000,
        threshold=0.15,
        mode="downside",
    )


def test_a_verdict_is_decided_once_per_campaign_and_action(verdicts: MirrorVerdicts) -> None:
    first = verdict("c1", MirrorAction.ROLLED_BACK)
    assert verdicts.decide(first)
    assert not verdicts.decide(verdict("c1", MirrorAction.ROLLED_BACK, sequence=9))
    assert verdicts.decide(verdict("c1", MirrorAction.ALERTED, sequence=8))
    assert verdicts.of(["c1", "c2"])[0].campaign_id == "c1"
    assert [v.sequence for v in verdicts.verdicts()] == [7, 8]
    assert verdicts.verdicts(client_id="other") == []
    assert verdicts.of(["c2"]) == []


def test_settling_marks_when_the_action_was_carried_out(verdicts: MirrorVerdicts) -> None:
    verdicts.decide(verdict("c1", MirrorAction.ROLLED_BACK))
    [open_] = verdicts.of(["c1"])
    assert open_.settled_at is None
    verdicts.settle("c1", MirrorAction.ROLLED_BACK, at=AT + timedelta(hours=1))
    verdicts.settle("c1", MirrorAction.ROLLED_BACK, at=AT + timedelta(hours=2))  # no change
    [settled] = verdicts.of(["c1"])
    assert settled.settled_at == AT + timedelta(hours=1)
    assert (settled.deviation, settled.real_revenue_micros, settled.mode) == (-0.2, 800, "downside")
