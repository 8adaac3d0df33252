"""MarginGuardian's stores: memory per campaign and thresholds per client, on SQLite,
PostgreSQL and in process, all behaving alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.memory.guardian import InMemoryGuardianSettingsStore, InMemoryGuardMemoryStore
from kiki.adapters.sql.guardian import SqlGuardianSettingsStore, SqlGuardMemoryStore
from kiki.campaigns.domain import Bid, BidStrategy, CampaignConfig, CampaignStatus
from kiki.core.money import Money
from kiki.syncflow.domain.guardian.cvr import CvrWatch
from kiki.syncflow.domain.guardian.memory import GuardMemory, Snapshot
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds
from kiki.syncflow.guardian_ports import GuardianSettingsStore, GuardMemoryStore

NOW = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
FULL = GuardMemory(
    config=CampaignConfig(
        CampaignStatus.ACTIVE, Money(100_000_000), Bid(BidStrategy.TARGET_CPA, Money(4_620_000))
    ),
    seen_at=NOW,
    day=date(2026, 2, 3),
    spend_today_micros=37_500_000,
    clicks_today=75,
    conversions_today=7.5,
    cvr=CvrWatch(1.25, 0.1, frozen=True),
    margin_streak=1,
    unreadable_strikes=2,
    held_since=NOW,
    bid_hold_until=NOW,
    recent=(Snapshot(NOW, 37_000_000, 7_400), Snapshot(NOW, 37_500_000, 7_500)),
)


KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "memory"]


@pytest.fixture(params=KINDS)
def memory_store(request: pytest.FixtureRequest) -> Callable[[], GuardMemoryStore]:
    if request.param == "memory":
        store = InMemoryGuardMemoryStore()
        return lambda: store
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return lambda: SqlGuardMemoryStore(engine)


def test_memory_round_trips_whole_and_per_client(
    memory_store: Callable[[], GuardMemoryStore],
) -> None:
    store = memory_store()
    store.save("acme", {"c1": FULL, "c2": GuardMemory()}, at=NOW)
    store.save("globex", {"g1": GuardMemory(margin_streak=3)}, at=NOW)
    assert memory_store().load("acme") == {"c1": FULL, "c2": GuardMemory()}
    store.save("acme", {"c2": GuardMemory(unreadable_strikes=1)}, at=NOW)
    assert memory_store().load("acme") == {"c1": FULL, "c2": GuardMemory(unreadable_strikes=1)}
    assert memory_store().load("nobody") == {}


@pytest.fixture(params=KINDS)
def settings_store(request: pytest.FixtureRequest) -> GuardianSettingsStore:
    defaults = GuardianThresholds(gross_margin=0.6)
    if request.param == "memory":
        return InMemoryGuardianSettingsStore(defaults)
    return SqlGuardianSettingsStore(request.getfixturevalue(f"{request.param}_engine"), defaults)


def test_thresholds_fall_back_to_the_settings_and_round_trip(
    settings_store: GuardianSettingsStore,
) -> None:
    assert settings_store.get("acme") == GuardianThresholds(gross_margin=0.6)
    chosen = GuardianThresholds(gross_margin=0.5, margin_floor=0.1, min_conversions=30)
    settings_store.put("acme", chosen, now=NOW)
    assert settings_store.get("acme") == chosen
    assert settings_store.get("globex") == GuardianThresholds(gross_margin=0.6)
