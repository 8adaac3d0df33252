"""One contract for SandboxStore, run against the in-process store, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.adapters.sql.engine import make_engine
from kiki.adapters.sql.sandbox_store import SqlSandboxStore
from kiki.campaigns.domain import Bid, BidStrategy, CampaignRef, CampaignStatus, PauseReason
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.model import Figures, HourStats
from kiki.platforms.sandbox.ports import AccountSpec, Factors
from kiki.platforms.sandbox.store import (
    AccountRecord,
    CampaignRecord,
    Outage,
    SandboxStore,
    SandboxTransaction,
)
from tests.conftest import postgres_schema

AT = datetime(2026, 2, 3, 9, 15, 30, 123_456, tzinfo=UTC)
SPEC = AccountSpec(Money(500_000_000), Money(7_500_000), 0.02, 0.0025, Money(450_000_000))


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SandboxStore]:
    if request.param == "memory":
        yield InMemorySandboxStore()
    elif request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/sandbox.sqlite3")
        yield SqlSandboxStore(engine)
        engine.dispose()
    else:
        with postgres_schema() as engine:
            yield SqlSandboxStore(engine)


def account(client_id: str = "acme", platform: Platform = Platform.META) -> AccountRecord:
    return AccountRecord(client_id, platform, SPEC, Factors(), AT, seed=2**63 - 1, noise=0.25)


def campaign(campaign_id: str, client_id: str = "acme", *, at: datetime = AT) -> CampaignRecord:
    return CampaignRecord(
        CampaignRef(client_id, Platform.META, campaign_id),
        name=f"campaign {campaign_id}",
        status=CampaignStatus.ACTIVE,
        pause_reason=None,
        daily_budget=Money(100_000_000),
        bid=Bid(),
        created_at=at,
        accrued_to=at,
    )


def stats(hour: int, spend_micros: int, impressions: float = 0.5) -> HourStats:
    return HourStats(hour, Figures(spend_micros, impressions, 0.25, 0.125, 3 * spend_micros))


def fail_after(
    store: SandboxStore, client_id: str, writes: Callable[[SandboxTransaction], None]
) -> None:
    with store.transaction(client_id) as tx:
        writes(tx)
        raise RuntimeError("boom")


def test_a_client_without_state_reads_empty(store: SandboxStore) -> None:
    with store.transaction("nobody") as tx:
        state = tx.state()
        assert tx.stats(["c1"], first_hour=0, last_hour=10**6) == {}
    assert state.accounts == ()
    assert state.campaigns == ()


def test_accounts_and_campaigns_read_back_exactly_in_their_order(store: SandboxStore) -> None:
    shocked = AccountRecord(
        "acme",
        Platform.GOOGLE,
        AccountSpec(Money(1), Money(2), 0.5, 1.0, Money(0), aov=Money(3)),
        Factors(cpm=1.4, cvr=0.01, spend=100.0),
        AT,
        seed=0,
        noise=0.0,
    )
    paused = CampaignRecord(
        CampaignRef("acme", Platform.GOOGLE, "b-later"),
        "paused one",
        CampaignStatus.PAUSED,
        PauseReason.MARGIN_GUARDIAN,
        Money(0),
        Bid(BidStrategy.TARGET_CPA, Money(150_000_000)),
        AT + timedelta(microseconds=1),
        AT + timedelta(hours=2, microseconds=7),
    )
    with store.transaction("acme") as tx:
        tx.save(accounts=[shocked, account()], campaigns=[paused, campaign("z-first")])
    with store.transaction("acme") as tx:
        state = tx.state()
    assert state.accounts == (account(), shocked)  # in platform order
    assert state.campaigns == (campaign("z-first"), paused)  # by creation
    assert state.campaign("b-later") == paused
    assert state.account(Platform.TIKTOK) is None


def test_saving_a_record_again_replaces_it(store: SandboxStore) -> None:
    with store.transaction("acme") as tx:
        tx.save(accounts=[account()], campaigns=[campaign("c1")])
    moved = CampaignRecord(
        campaign("c1").ref,
        "renamed",
        CampaignStatus.PAUSED,
        PauseReason.MANUAL,
        Money(7),
        Bid(BidStrategy.MAX_CPC, Money(1)),
        AT,
        AT + timedelta(minutes=5),
    )
    shocked = AccountRecord("acme", Platform.META, SPEC, Factors(cpm=2.0), AT, 1, 0.0)
    with store.transaction("acme") as tx:
        tx.save(accounts=[shocked], campaigns=[moved])
        assert tx.state().campaigns == (moved,)  # a transaction reads its own writes
    with store.transaction("acme") as tx:
        assert tx.state().campaigns == (moved,)
        assert tx.state().accounts == (shocked,)


def test_a_transaction_saves_only_its_own_clients_records(store: SandboxStore) -> None:
    with pytest.raises(ValueError, match="acme"), store.transaction("acme") as tx:
        tx.save(campaigns=[campaign("c1", client_id="other")])
    with store.transaction("other") as tx:
        assert tx.state().campaigns == ()


def test_a_transaction_that_raises_changes_nothing(store: SandboxStore) -> None:
    with store.transaction("acme") as tx:
        tx.save(accounts=[account()], campaigns=[campaign("c1")])
        tx.add_stats({"c1": [stats(100, 10)]}, prune_before_hour=0)

    def writes(tx: SandboxTransaction) -> None:
        tx.save(campaigns=[campaign("c2")], accounts=[account(platform=Platform.AMAZON)])
        tx.save(accounts=[AccountRecord("acme", Platform.META, SPEC, Factors(cvr=0.5), AT, 0, 0)])
        tx.add_stats(
            {"c1": [stats(100, 5), stats(101, 5)], "c2": [stats(100, 1)]}, prune_before_hour=101
        )

    with pytest.raises(RuntimeError, match="boom"):
        fail_after(store, "acme", writes)
    with store.transaction("acme") as tx:
        state = tx.state()
        assert tx.stats(["c1", "c2"], first_hour=0, last_hour=200) == {"c1": [stats(100, 10)]}
    assert state.accounts == (account(),)
    assert state.campaigns == (campaign("c1"),)


def test_a_cleared_client_that_raises_keeps_everything(store: SandboxStore) -> None:
    with store.transaction("acme") as tx:
        tx.save(accounts=[account()], campaigns=[campaign("c1")])
        tx.add_stats({"c1": [stats(100, 10)]}, prune_before_hour=0)

    def writes(tx: SandboxTransaction) -> None:
        tx.clear()
        assert tx.state().accounts == ()

    with pytest.raises(RuntimeError, match="boom"):
        fail_after(store, "acme", writes)
    with store.transaction("acme") as tx:
        assert tx.state().campaigns == (campaign("c1"),)
        assert tx.stats(["c1"], first_hour=100, last_hour=100) == {"c1": [stats(100, 10)]}


def test_stats_add_into_their_hourly_buckets(store: SandboxStore) -> None:
    with store.transaction("acme") as tx:
        tx.save(campaigns=[campaign("c1")])
        tx.add_stats({"c1": [stats(100, 10), stats(101, 4)]}, prune_before_hour=0)
    with store.transaction("acme") as tx:
        tx.add_stats({"c1": [stats(101, 6, impressions=0.25)]}, prune_before_hour=0)
        found = tx.stats(["c1"], first_hour=0, last_hour=1000)
    expected = HourStats(101, Figures(10, 0.75, 0.5, 0.25, 30))
    assert found == {"c1": [stats(100, 10), expected]}


def test_stats_are_read_by_campaign_and_inclusive_hour_range(store: SandboxStore) -> None:
    with store.transaction("acme") as tx:
        tx.save(campaigns=[campaign("c1"), campaign("c2"), campaign("c3")])
        tx.add_stats(
            {
                "c1": [stats(h, h) for h in range(100, 110)],
                "c2": [stats(105, 1)],
                "c3": [stats(100, 1)],
            },
            prune_before_hour=0,
        )
        found = tx.stats(["c1", "c2", "c3", "unknown"], first_hour=103, last_hour=105)
    assert found == {
        "c1": [stats(103, 103), stats(104, 104), stats(105, 105)],
        "c2": [stats(105, 1)],
    }


def test_old_buckets_of_every_campaign_of_the_client_are_pruned_on_write(
    store: SandboxStore,
) -> None:
    with store.transaction("acme") as tx:
        tx.save(campaigns=[campaign("c1"), campaign("idle")])
        tx.add_stats(
            {"c1": [stats(10, 1)], "idle": [stats(10, 1), stats(60, 1)]}, prune_before_hour=0
        )
    with store.transaction("other") as tx:
        tx.save(campaigns=[campaign("theirs", client_id="other")])
        tx.add_stats({"theirs": [stats(10, 1)]}, prune_before_hour=0)
    with store.transaction("acme") as tx:
        tx.add_stats({"c1": [stats(70, 2)]}, prune_before_hour=50)
        assert tx.stats(["c1", "idle"], first_hour=0, last_hour=100) == {
            "c1": [stats(70, 2)],
            "idle": [stats(60, 1)],
        }
    with store.transaction("other") as tx:
        assert tx.stats(["theirs"], first_hour=0, last_hour=100) == {"theirs": [stats(10, 1)]}


def test_clear_deletes_the_client_and_nothing_else(store: SandboxStore) -> None:
    for client in ("acme", "other"):
        with store.transaction(client) as tx:
            tx.save(accounts=[account(client)], campaigns=[campaign(f"{client}-c", client)])
            tx.add_stats({f"{client}-c": [stats(1, 1)]}, prune_before_hour=0)
    with store.transaction("acme") as tx:
        tx.clear()
    with store.transaction("acme") as tx:
        assert tx.state().accounts == ()
        assert tx.state().campaigns == ()
        assert tx.stats(["acme-c"], first_hour=0, last_hour=5) == {}
    with store.transaction("other") as tx:
        assert tx.state().accounts == (account("other"),)
        assert tx.stats(["other-c"], first_hour=0, last_hour=5) == {"other-c": [stats(1, 1)]}


def test_a_counted_outage_is_used_up_call_by_call(store: SandboxStore) -> None:
    store.put_outage(Outage(Platform.META, "read", remaining=2))
    taken = [store.take_outage(Platform.META, "read", "acme") for _ in range(3)]
    assert taken == [True, True, False]
    assert not store.take_outage(Platform.META, "set", "acme")
    assert not store.take_outage(Platform.GOOGLE, "read", "acme")


def test_an_outage_without_a_count_lasts_until_cleared(store: SandboxStore) -> None:
    store.put_outage(Outage(Platform.META, "*"))
    store.put_outage(Outage(Platform.GOOGLE, "set"))
    assert all(store.take_outage(Platform.META, op, "acme") for op in ["read", "set"] * 5)
    store.clear_outages(Platform.META)
    assert not store.take_outage(Platform.META, "read", "acme")
    assert store.take_outage(Platform.GOOGLE, "set", "acme")
    store.clear_outages()
    assert not store.take_outage(Platform.GOOGLE, "set", "acme")


def test_the_most_specific_outage_is_used_first(store: SandboxStore) -> None:
    store.put_outage(Outage(Platform.META, "*"))  # every client, until healed
    store.put_outage(Outage(Platform.META, "read", client_id="acme", remaining=1))
    assert store.take_outage(Platform.META, "read", "acme")
    assert store.take_outage(Platform.META, "read", "acme")  # the general one still holds
    store.clear_outages()
    store.put_outage(Outage(Platform.META, "set", client_id="acme", remaining=1))
    assert not store.take_outage(Platform.META, "set", "other")
    assert store.take_outage(Platform.META, "set", "acme")
    assert not store.take_outage(Platform.META, "set", "acme")


def test_injecting_the_same_outage_again_replaces_its_count(store: SandboxStore) -> None:
    store.put_outage(Outage(Platform.META, "set", remaining=5))
    store.put_outage(Outage(Platform.META, "set", remaining=1))
    assert store.take_outage(Platform.META, "set", "acme")
    assert not store.take_outage(Platform.META, "set", "acme")
