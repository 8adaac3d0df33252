"""Hypothesis: however markets move and APIs fail, money is conserved and the caps hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.client_state import ClientState
from kiki.syncflow.domain.config import BudgetLimits
from kiki.syncledger.ledger import TransferKind, account_platform, unresolved
from kiki.testing import Harness

M = 1_000_000
PLATFORMS = list(Platform)

step = st.tuples(
    st.integers(min_value=1, max_value=72),  # advance, in 5-minute ticks
    st.one_of(st.none(), st.tuples(st.sampled_from(PLATFORMS), st.floats(0.3, 3.0))),  # CPM shock
    st.one_of(st.none(), st.tuples(st.sampled_from(PLATFORMS), st.sampled_from(["read", "set"]))),
)


def run(steps: list[tuple[int, object, object]], floors: dict[Platform, int]) -> None:
    h = Harness.build("unused", database_url="sqlite://", shift_cooldown_s=0.0)
    h.open_client("c")
    limits = {p: BudgetLimits(floor=Money(f * M)) for p, f in floors.items()}
    config = h.services.ports.configs.get("c")
    h.services.ports.configs.put("c", replace(config, limits=limits), now=h.clock.now())
    start_total = h.total("c")
    history: list[tuple[datetime, dict[Platform, Money]]] = [(h.clock.now(), h.budgets("c"))]
    for ticks, shock, outage in steps:
        h.clock.advance(ticks * 300)
        if shock is not None:
            platform, factor = shock  # type: ignore[misc]
            h.sandbox.shock("c", platform, cpm_factor=factor)
        if outage is not None:
            platform, operation = outage  # type: ignore[misc]
            h.faults.fail(platform, operation, times=1)
        h.services.run_cycle("c")
        h.faults.heal()
        budgets = h.budgets("c")
        history.append((h.clock.now(), budgets))

        # conserved to the micro; a stuck client lacks exactly what its pending shift moves
        stuck = h.services.ports.states.get("c").state is ClientState.STUCK
        assert h.total("c") + (h.pending("c") if stuck else Money(0)) == start_total
        for platform, budget in budgets.items():
            assert budget.micros >= 0
            if platform in floors:
                assert budget.micros >= min(floors[platform] * M, history[0][1][platform].micros)
        assert_window_cap(h, history)


def assert_window_cap(h: Harness, history: list[tuple[datetime, dict[Platform, Money]]]) -> None:
    now = h.clock.now()
    since = now - timedelta(days=1)
    at_start = (
        next(b for t, b in reversed(history) if t < since)
        if history[0][0] < since
        else history[0][1]
    )
    outflow = dict.fromkeys(PLATFORMS, 0)
    transfers = h.services.ports.ledger.transfers(client_id="c")
    left = [t for t in transfers if t.kind is TransferKind.POSTED] + unresolved(transfers)
    for t in left:
        if t.at >= since:
            outflow[account_platform(t.source)] += t.amount.micros  # type: ignore[index]
    for platform, gone in outflow.items():
        assert gone <= at_start[platform].fraction(0.20).micros


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(step, min_size=1, max_size=25),
    floors=st.dictionaries(st.sampled_from(PLATFORMS), st.integers(0, 600), max_size=3),
)
def test_budget_is_conserved_floors_and_the_24h_cap_hold_through_any_market(
    steps: list[tuple[int, object, object]], floors: dict[Platform, int]
) -> None:
    run(steps, floors)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=6))
def test_a_5_minute_loop_cannot_drain_a_platform(hours: int) -> None:
    h = Harness.build("unused", database_url="sqlite://", shift_cooldown_s=0.0)
    h.open_client("c")
    h.sandbox.shock("c", Platform.META, cpm_factor=2.0)
    for _ in range(hours * 12):
        h.clock.advance(300)
        h.services.run_cycle("c")
    # A naive loop would leave 0.8**12 = 7 % after an hour; the rolling cap leaves 80 %.
    assert h.budgets("c")[Platform.META] == Money(400 * M)
