"""One contract for GateDecisionStore, run against the in-memory store, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.memory.gate_decisions import InMemoryGateDecisionStore
from kiki.adapters.sql.gate_decisions import SqlGateDecisionStore
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.projection import project_trajectory
from kiki.synctwin.ports import GateDecision, GateDecisionStore

AT = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
STRATEGY = Strategy.from_dict(
    {"audience_size": 5, "cvr": 0.5, "daily_budget": "1.5", "uncertainty": {"aov": 0.1}}
)
BASELINE = Baseline.from_dict(
    {"avg_order_value": "10.25", "monthly_revenue": "0", "monthly_ad_spend": "3"}
)


def decision(decision_id: str, *, campaign_id: str | None = None) -> GateDecision:
    return GateDecision(
        decision_id=decision_id,
        client_id="acme",
        at=AT,
        strategy=STRATEGY,
        baseline=BASELINE,
        approved=campaign_id is not None,
        confidence=0.8765,
        seed=2**127 + 1,
        result={"confidence_score": 0.877, "projected_net_profit_uplift": -12.34},
        campaign_id=campaign_id,
    )


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> GateDecisionStore:
    if request.param == "memory":
        return InMemoryGateDecisionStore()
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return SqlGateDecisionStore(engine)


def test_a_decision_reads_back_exactly(store: GateDecisionStore) -> None:
    kept = decision("d1", campaign_id="c1")
    store.record(kept, project_trajectory(STRATEGY, BASELINE))
    assert store.decisions(client_id="acme") == [kept]
    assert store.decisions(client_id="other") == []
    projection = store.projection("c1")
    assert projection == project_trajectory(STRATEGY, BASELINE)
    assert projection[-1].revenue == Money(25_625_000)  # 5 x 0.5 x 10.25
    assert store.projection("unknown") == ()


def test_outcomes_attach_to_decisions(store: GateDecisionStore) -> None:
    store.record(decision("d1"))
    store.record_outcome("d1", Money.parse("-7.5", allow_negative=True), at=AT)
    [found] = store.decisions()
    assert found.actual_net_profit == Money(-7_500_000)
    with pytest.raises(InvalidInputError, match="decision_id"):
        store.record_outcome("nope", Money(1), at=AT)


def test_a_decision_id_is_recorded_once(store: GateDecisionStore) -> None:
    store.record(decision("d1"))
    with pytest.raises(InvalidInputError, match="decision_id"):
        store.record(decision("d1"))


def test_a_launched_campaigns_projection_is_time_aligned_from_its_approval(
    store: GateDecisionStore,
) -> None:
    store.record(decision("d1", campaign_id="c1"), project_trajectory(STRATEGY, BASELINE))
    store.record(decision("d2", campaign_id="c2"))  # approved without a trajectory
    store.record(decision("d3"))  # rejected
    found = store.projections(["c1", "c2", "unknown"])
    assert list(found) == ["c1"]
    p = found["c1"]
    assert (p.started_at, p.days) == (AT, 30)
    assert (p.revenue_micros, p.spend_micros) == (25_625_000, 45_000_000)
    assert p.conversions == 2.5  # 5 x 0.5
