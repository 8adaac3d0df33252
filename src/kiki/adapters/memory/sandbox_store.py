"""InMemorySandboxStore: the sandbox's state in one process, for fast tests and twins.

One re-entrant lock serialises transactions; each write is journaled and undone if the
transaction raises, so a transaction is atomic here as in SQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from kiki.core.platform import Platform
from kiki.platforms.sandbox.model import HourStats
from kiki.platforms.sandbox.store import AccountRecord, CampaignRecord, ClientState, Outage

_MISSING: Any = object()


class _Journal:
    """Writes to dictionaries that can be undone, newest first."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def put(self, mapping: dict[Any, Any], key: object, value: object) -> None:
        self._remember(mapping, key)
        mapping[key] = value

    def drop(self, mapping: dict[Any, Any], key: object) -> None:
        if key in mapping:
            self._remember(mapping, key)
            del mapping[key]

    def _remember(self, mapping: dict[Any, Any], key: object) -> None:
        old = mapping.get(key, _MISSING)
        if old is _MISSING:
            self._undo.append(lambda: mapping.pop(key, None))
        else:
            self._undo.append(lambda: mapping.__setitem__(key, old))

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()


@dataclass(slots=True)
class _Tables:
    accounts: dict[str, dict[Platform, AccountRecord]] = field(default_factory=dict)
    campaigns: dict[str, dict[str, CampaignRecord]] = field(default_factory=dict)
    stats: dict[str, dict[int, HourStats]] = field(default_factory=dict)  # by campaign, hour


class InMemorySandboxStore:
    """Implements SandboxStore."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._tables = _Tables()
        self._outages: dict[tuple[Platform, str, str | None], Outage] = {}

    @contextmanager
    def transaction(self, client_id: str) -> Iterator[_Transaction]:
        with self._lock:
            journal = _Journal()
            try:
                yield _Transaction(self._tables, client_id, journal)
            except BaseException:
                journal.undo()
                raise

    def put_outage(self, outage: Outage) -> None:
        with self._lock:
            self._outages[(outage.platform, outage.operation, outage.client_id)] = outage

    def take_outage(self, platform: Platform, operation: str, client_id: str) -> bool:
        with self._lock:
            for key in (
                (platform, operation, client_id),
                (platform, "*", client_id),
                (platform, operation, None),
                (platform, "*", None),
            ):
                outage = self._outages.get(key)
                if outage is None:
                    continue
                if outage.remaining is not None:
                    if outage.remaining <= 1:
                        del self._outages[key]
                    else:
                        self._outages[key] = replace(outage, remaining=outage.remaining - 1)
                return True
            return False

    def clear_outages(self, platform: Platform | None = None) -> None:
        with self._lock:
            for key in [k for k in self._outages if platform in (None, k[0])]:
                del self._outages[key]


class _Transaction:
    """Implements SandboxTransaction for one client of an InMemorySandboxStore."""

    def __init__(self, tables: _Tables, client_id: str, journal: _Journal) -> None:
        self._tables = tables
        self._client_id = client_id
        self._journal = journal

    def state(self) -> ClientState:
        accounts = self._tables.accounts.get(self._client_id, {})
        campaigns = self._tables.campaigns.get(self._client_id, {})
        return ClientState(
            tuple(sorted(accounts.values(), key=lambda a: a.platform.rank)),
            tuple(sorted(campaigns.values(), key=lambda c: (c.created_at, c.campaign_id))),
        )

    def save(
        self,
        *,
        accounts: Sequence[AccountRecord] = (),
        campaigns: Sequence[CampaignRecord] = (),
    ) -> None:
        owners = [a.client_id for a in accounts] + [c.ref.client_id for c in campaigns]
        if any(owner != self._client_id for owner in owners):
            raise ValueError(f"a transaction of {self._client_id!r} saves only its records")
        if accounts:
            own = self._own(self._tables.accounts)
            for account in accounts:
                self._journal.put(own, account.platform, account)
        if campaigns:
            own_campaigns = self._own(self._tables.campaigns)
            for campaign in campaigns:
                self._journal.put(own_campaigns, campaign.campaign_id, campaign)

    def add_stats(
        self, stats: Mapping[str, Sequence[HourStats]], *, prune_before_hour: int
    ) -> None:
        for campaign_id, buckets in stats.items():
            hours = self._tables.stats.get(campaign_id)
            if hours is None:
                hours = {}
                self._journal.put(self._tables.stats, campaign_id, hours)
            for bucket in buckets:
                old = hours.get(bucket.hour)
                added = (
                    bucket if old is None else HourStats(bucket.hour, old.figures + bucket.figures)
                )
                self._journal.put(hours, bucket.hour, added)
        for campaign_id in self._tables.campaigns.get(self._client_id, {}):
            hours = self._tables.stats.get(campaign_id, {})
            for hour in [h for h in hours if h < prune_before_hour]:
                self._journal.drop(hours, hour)

    def stats(
        self, campaign_ids: Collection[str], *, first_hour: int, last_hour: int
    ) -> dict[str, list[HourStats]]:
        found: dict[str, list[HourStats]] = {}
        for campaign_id in campaign_ids:
            hours = self._tables.stats.get(campaign_id, {})
            span = range(first_hour, last_hour + 1)
            # walk whichever is shorter: the span asked for or the buckets kept
            wanted = span if len(span) < len(hours) else sorted(h for h in hours if h in span)
            buckets = [hours[h] for h in wanted if h in hours]
            if buckets:
                found[campaign_id] = buckets
        return found

    def clear(self) -> None:
        for campaign_id in self._tables.campaigns.get(self._client_id, {}):
            self._journal.drop(self._tables.stats, campaign_id)
        self._journal.drop(self._tables.campaigns, self._client_id)
        self._journal.drop(self._tables.accounts, self._client_id)

    def _own(self, mapping: dict[str, dict[Any, Any]]) -> dict[Any, Any]:
        own = mapping.get(self._client_id)
        if own is None:
            own = {}
            self._journal.put(mapping, self._client_id, own)
        return own
