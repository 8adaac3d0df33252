"""Hypothesis kills the process at any step of a shift, with outages mixed in, and restarts it.

A simulated death is an exception no code of ours catches (a BaseException), raised before or
after a platform write or a ledger write; after it, every port the dead process held refuses to
work, as a killed process would. The restart is a new application on the same ledger database
and the same (simulated) platforms, started after the dead one's lease ran out; at start it
reconciles, as ``kiki serve`` does. After every step:

- the platforms' budgets are the opening budgets plus the posted shifts, to the micro, unless
  the client is STUCK — and then they lack no more than one pending shift explains;
- every shift is posted, voided or rolled back, or its client is STUCK (a shift the ledger
  could not void moved nothing, and the next reconciliation voids it);
- nothing is recorded twice, and no platform gives more than the cap over its window.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.application.services import Services
from kiki.core.clock import VirtualClock
from kiki.core.errors import StorageError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.syncflow.domain.client_state import ClientState
from kiki.syncledger.ledger import (
    RESOLUTIONS,
    TransferKind,
    account_platform,
    balances,
    budget_account,
    unresolved,
)
from kiki.testing import Harness

RUNS = 200
STEPS = 8
LEASE_S = 120.0
PLATFORMS = list(Platform)


class SimulatedDeath(BaseException):
    """The process died here."""


class Plan:
    """Where this cycle dies, and which writes fail first (an outage the code must survive)."""

    def __init__(self, die_at: int | None, set_fails: int | None, record_fails: int | None):
        self.die_at = die_at  # the n-th write step (before/after a platform or ledger write)
        self.set_fails = set_fails  # the n-th platform write fails (changing nothing)
        self.record_fails = record_fails  # the n-th ledger write fails (recording nothing)
        self.steps = self.sets = self.records = 0
        self.dead = False

    def step(self) -> None:
        if self.dead:
            raise SimulatedDeath
        self.steps += 1
        if self.steps == self.die_at:
            self.dead = True
            raise SimulatedDeath


class Dying:
    """A port of the doomed process: it writes through the plan, and is dead after the death."""

    def __init__(self, inner: Any, plan: Plan) -> None:
        self._inner = inner
        self._plan = plan

    def __getattr__(self, name: str) -> Any:
        if self._plan.dead:
            raise SimulatedDeath
        return getattr(self._inner, name)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        self._plan.step()
        self._plan.sets += 1
        if self._plan.sets == self._plan.set_fails:
            raise PlatformUnavailableError(platform, "set", "simulated outage")
        self._inner.set_daily_budget(client_id, platform, budget)
        self._plan.step()

    def record(self, transfer: Any, **kwargs: Any) -> bool:
        self._plan.step()
        self._plan.records += 1
        if self._plan.records == self._plan.record_fails:
            raise StorageError("simulated: the database refused the write")
        recorded: bool = self._inner.record(transfer, **kwargs)
        self._plan.step()
        return recorded


class CrashMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.client = f"c{secrets.token_hex(4)}"
        self.clock = VirtualClock()
        self.platforms = InMemorySandboxStore()  # the platforms outlive every restart
        self.h = self.boot()
        self.h.open_client(self.client)
        self.opening = self.h.budgets(self.client)
        # Two platforms underperform from the start, and the cap's window is an hour, so most
        # cycles shift (two shifts each: more steps to die at).
        self.h.sandbox.shock(self.client, Platform.META, cpm_factor=1.6)
        self.h.sandbox.shock(self.client, Platform.AMAZON, cpm_factor=1.8)
        configs = self.h.services.ports.configs
        configs.put(
            self.client, replace(configs.get(self.client), window_s=3600.0), now=self.clock.now()
        )
        self.h.clock.advance(6 * 3600)

    def boot(self) -> Harness:
        return Harness.build(
            DATA,
            clock=self.clock,
            sandbox_store=self.platforms,
            shift_cooldown_s=0.0,
            cycle_lock_ttl_s=LEASE_S,
            lease_grace_s=30.0,
        )

    @rule(ticks=st.integers(min_value=1, max_value=24))
    def time_passes(self, ticks: int) -> None:
        self.clock.advance(ticks * 300)

    @rule(platform=st.sampled_from(PLATFORMS), factor=st.floats(0.5, 2.5))
    def the_market_moves(self, platform: Platform, factor: float) -> None:
        self.h.sandbox.shock(self.client, platform, cpm_factor=factor)

    @precondition(lambda self: self.state() is not ClientState.STUCK)
    @rule(
        die_at=st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
        set_fails=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
        record_fails=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
    )
    def a_cycle_runs(
        self, die_at: int | None, set_fails: int | None, record_fails: int | None
    ) -> None:
        plan = Plan(die_at, set_fails, record_fails)
        p = self.h.services.ports
        doomed = Services(
            replace(
                p,
                gateway=Dying(p.gateway, plan),
                ledger=Dying(p.ledger, plan),
                leases=Dying(p.leases, plan),
                states=Dying(p.states, plan),
                audit=Dying(p.audit, plan),
            ),
            self.h.services.values,
        )
        try:
            report = doomed.run_cycle(self.client, wait=False)
        except SimulatedDeath:
            event(f"died at write step {die_at}")
            self.restart()
            return
        event(f"cycle {report.status.value}: {[o.result.value for o in report.outcomes]}")

    @precondition(lambda self: self.state() is ClientState.STUCK)
    @rule()
    def a_person_resumes_the_stuck_client(self) -> None:
        event("a stuck client resumed")
        self.h.services.resume_client(self.client, note="checked")
        assert self.state() is ClientState.ACTIVE  # the platforms always explain it here

    def restart(self) -> None:
        self.h.close()
        self.clock.advance(LEASE_S + 31)  # the dead process's lease runs out, and its grace
        self.h = self.boot()
        for report in self.h.services.reconcile_all():
            event(f"restart reconciled: {[i.resolution.value for i in report.items]}")

    def state(self) -> ClientState:
        return self.h.services.ports.states.get(self.client).state

    @invariant()
    def money_is_where_the_ledger_says(self) -> None:
        transfers = self.h.services.ports.ledger.transfers(client_id=self.client)
        posted = balances(transfers)
        expected = {
            p: self.opening[p] + posted.get(budget_account(p), Money(0)) for p in self.opening
        }
        budgets = self.h.budgets(self.client)
        pending = unresolved(transfers)
        if self.state() is ClientState.STUCK:
            assert len(pending) <= 1
            if pending:  # what the one pending shift explains: all, half, or none of it
                [p] = pending
                src, dst = account_platform(p.source), account_platform(p.destination)
                assert src is not None
                assert dst is not None
                half = {**expected, src: expected[src] - p.amount}
                full = {**half, dst: expected[dst] + p.amount}
                assert budgets in (expected, half, full)
            return
        # A pending shift the ledger could not void (it was down) moved nothing: the platforms
        # say so, and the next reconciliation voids it (checked at the end of every run).
        assert budgets == expected
        assert sum(b.micros for b in budgets.values()) == sum(
            b.micros for b in self.opening.values()
        )

    @invariant()
    def nothing_is_recorded_twice_and_the_cap_holds(self) -> None:
        transfers = self.h.services.ports.ledger.transfers(client_id=self.client)
        resolved = [t.corrects for t in transfers if t.kind in RESOLUTIONS]
        assert len(resolved) == len(set(resolved))
        ids = [t.transfer_id for t in transfers]
        assert len(ids) == len(set(ids))
        # What left each platform in the cap's window (an hour here; 24 h by default) — posted,
        # or pending and so reserved — is at most 20 % of its budget when the window began.
        since = self.clock.now() - timedelta(hours=1)
        before = balances(t for t in transfers if t.at < since)
        left: dict[Platform, int] = {}
        for t in [x for x in transfers if x.kind is TransferKind.POSTED] + unresolved(transfers):
            source = account_platform(t.source)
            if t.at >= since and source is not None:
                left[source] = left.get(source, 0) + t.amount.micros
        for platform, micros in left.items():
            at_start = self.opening[platform] + before.get(budget_account(platform), Money(0))
            assert micros <= at_start.fraction(0.20).micros

    def teardown(self) -> None:
        self.h.services.reconcile_all()
        transfers = self.h.services.ports.ledger.transfers(client_id=self.client)
        assert self.state() is ClientState.STUCK or unresolved(transfers) == []
        self.h.close()


DATA: Path = Path()


@pytest.fixture(scope="module", autouse=True)
def _database(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One ledger database for every run (each run has its own client)."""
    global DATA  # noqa: PLW0603  # the state machine's constructor takes no arguments
    DATA = tmp_path_factory.mktemp("crash")


CrashMachine.TestCase.settings = settings(
    max_examples=RUNS,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_a_process_killed_at_any_step_loses_and_doubles_nothing = CrashMachine.TestCase
