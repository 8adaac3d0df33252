"""The sandbox's durable state, as ports: one client's accounts, campaigns and hourly stats read
and written in one atomic transaction, and the injected outages.

``SandboxStore.transaction(client_id)`` serialises every transaction of one client (across
threads and processes) and commits it whole or not at all: a ``SandboxPlatform`` reads the
accrual watermarks, adds the stats up to now and applies its change inside one of them, so two
processes accruing at once never count the same time twice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiki.campaigns.domain import Bid, CampaignRef, CampaignState, CampaignStatus, PauseReason
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.model import HourStats, Market
from kiki.platforms.sandbox.ports import AccountSpec, Factors


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """A client's ad account: the market it buys in, the shocks in effect, its noise."""

    client_id: str
    platform: Platform
    spec: AccountSpec
    factors: Factors
    opened_at: datetime
    seed: int
    noise: float

    @property
    def market(self) -> Market:
        return Market(self.spec, self.factors, self.seed, self.noise)


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    """A campaign and its accrual watermark: its stats are complete up to ``accrued_to``."""

    ref: CampaignRef
    name: str
    status: CampaignStatus
    pause_reason: PauseReason | None
    daily_budget: Money
    bid: Bid
    created_at: datetime
    accrued_to: datetime

    @property
    def campaign_id(self) -> str:
        return self.ref.campaign_id

    @property
    def platform(self) -> Platform:
        return self.ref.platform

    def state(self) -> CampaignState:
        return CampaignState(
            self.ref, self.name, self.status, self.daily_budget, self.bid, self.created_at
        )


@dataclass(frozen=True, slots=True)
class ClientState:
    """A client's accounts (in platform order) and campaigns (by creation, then id)."""

    accounts: tuple[AccountRecord, ...]
    campaigns: tuple[CampaignRecord, ...]

    def account(self, platform: Platform) -> AccountRecord | None:
        return next((a for a in self.accounts if a.platform is platform), None)

    def campaigns_on(self, platform: Platform) -> list[CampaignRecord]:
        return [c for c in self.campaigns if c.platform is platform]

    def campaign(self, campaign_id: str) -> CampaignRecord | None:
        return next((c for c in self.campaigns if c.campaign_id == campaign_id), None)

    def replacing(self, campaigns: Sequence[CampaignRecord]) -> ClientState:
        """This state with ``campaigns`` in place of those with the same ids."""
        new = {c.campaign_id: c for c in campaigns}
        return ClientState(self.accounts, tuple(new.get(c.campaign_id, c) for c in self.campaigns))


@dataclass(frozen=True, slots=True)
class Outage:
    """An injected failure of ``operation`` (or ``*``) on a platform, for one client or all
    (``client_id`` None), for ``remaining`` more calls (None: until healed)."""

    platform: Platform
    operation: str
    client_id: str | None = None
    remaining: int | None = None


class SandboxTransaction(Protocol):
    """One client's state inside one transaction; every write is seen by later reads in it."""

    def state(self) -> ClientState: ...

    def save(
        self,
        *,
        accounts: Sequence[AccountRecord] = (),
        campaigns: Sequence[CampaignRecord] = (),
    ) -> None:
        """Insert or replace these records (all the transaction's client's; ValueError if not)."""
        ...

    def add_stats(
        self, stats: Mapping[str, Sequence[HourStats]], *, prune_before_hour: int
    ) -> None:
        """Add figures into the campaigns' hourly buckets, then drop every bucket of the
        client's campaigns older than ``prune_before_hour`` (bounded retention)."""
        ...

    def stats(
        self, campaign_ids: Collection[str], *, first_hour: int, last_hour: int
    ) -> dict[str, list[HourStats]]:
        """The buckets of these campaigns from ``first_hour`` to ``last_hour`` inclusive, by
        hour; a campaign without any is left out."""
        ...

    def clear(self) -> None:
        """Delete the client's accounts, campaigns and stats."""
        ...


class SandboxStore(Protocol):
    def transaction(self, client_id: str) -> AbstractContextManager[SandboxTransaction]:
        """A transaction on one client's state, serialised with every other on that client;
        committed when the block ends, rolled back (nothing changed) when it raises."""
        ...

    def put_outage(self, outage: Outage) -> None:
        """Start an outage, replacing one on the same platform, operation and client."""
        ...

    def take_outage(self, platform: Platform, operation: str, client_id: str) -> bool:
        """Whether this call fails: the most specific matching outage (this client before all
        clients, the operation before ``*``) is used up by one; atomic across processes."""
        ...

    def clear_outages(self, platform: Platform | None = None) -> None: ...
