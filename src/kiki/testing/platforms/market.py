"""The market behind every fake platform server: the sandbox's model (budgets, bids, spend,
conversions per campaign, CPM shocks, outages) plus what only a network API adds (throttling
with a retry hint, access tokens that expire, latency), so that one scenario runs through any
adapter.

Each fake serves ``FakeMarket`` in its platform's wire format; ids are the numbers the
platform would use, derived from the sandbox's campaign ids.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.core.clock import Clock, VirtualClock
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.platforms.ports import CampaignReading
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.accrual import accrue_client
from kiki.platforms.sandbox.model import HOUR_US, Figures, hour_of
from kiki.platforms.sandbox.platform import RETENTION_HOURS, SandboxPlatform
from kiki.platforms.sandbox.ports import AccountSpec
from kiki.platforms.sandbox.store import SandboxStore

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class HourFigures:
    campaign_id: str  # the sandbox's id
    start: datetime
    figures: Figures


@dataclass
class Scenario:
    """Faults a network API adds to the market; thread-safe. ``calls`` counts every request a
    fake served, by (platform, operation)."""

    latency_s: float = 0.0
    calls: Counter[tuple[Platform, str]] = field(default_factory=Counter)
    _throttles: dict[Platform | None, list[float]] = field(default_factory=dict)
    _expiries: Counter[Platform] = field(default_factory=Counter)
    _stalls: dict[Platform | None, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def throttle(
        self, times: int, *, retry_after_s: float = 1.0, platform: Platform | None = None
    ) -> None:
        """The next ``times`` requests (to ``platform``, or to any) are refused as rate limited,
        each asking the caller to wait ``retry_after_s``."""
        with self._lock:
            self._throttles.setdefault(platform, []).extend([retry_after_s] * times)

    def stall_writes(self, times: int, *, seconds: float, platform: Platform | None = None) -> None:
        """The next ``times`` writes are applied, then answered ``seconds`` late: a client
        with a shorter timeout cannot know whether its write happened."""
        with self._lock:
            self._stalls.setdefault(platform, []).extend([seconds] * times)

    def stall(self, platform: Platform) -> None:
        """Called by a fake after applying a write: wait if a stall is due."""
        with self._lock:
            due = next((q.pop(0) for key in (platform, None) if (q := self._stalls.get(key))), 0.0)
        if due > 0:
            time.sleep(due)

    def expire_tokens(self, platform: Platform | None = None) -> None:
        """Every access token issued so far (for ``platform``, or all) stops working; OAuth
        platforms issue new ones on refresh, Meta's long-lived token stays dead."""
        with self._lock:
            for p in [platform] if platform else list(Platform):
                self._expiries[p] += 1

    def token_epoch(self, platform: Platform) -> int:
        with self._lock:
            return self._expiries[platform]

    def served(self, platform: Platform, operation: str) -> float | None:
        """Count a request; the retry hint if it is to be throttled, else None."""
        if self.latency_s > 0:
            time.sleep(self.latency_s)
        with self._lock:
            self.calls[(platform, operation)] += 1
            for key in (platform, None):
                queue = self._throttles.get(key)
                if queue:
                    return queue.pop(0)
        return None

    def total_calls(self, platform: Platform | None = None) -> int:
        with self._lock:
            return sum(n for (p, _), n in self.calls.items() if platform in (None, p))


def numeric_id(sandbox_id: str) -> int:
    """The platform-style number a fake shows for a sandbox campaign id (< 2**48)."""
    return int.from_bytes(hashlib.blake2b(sandbox_id.encode(), digest_size=6).digest(), "big")


class FakeMarket:
    """The sandbox market plus the accounts the fakes serve: (platform, account id) -> client."""

    def __init__(self, clock: Clock | None = None, store: SandboxStore | None = None) -> None:
        self.clock: Clock = clock or VirtualClock()
        self.store: SandboxStore = store or InMemorySandboxStore()
        self.sandbox = SandboxPlatform(self.store, self.clock)
        self.scenario = Scenario()
        self.currency: dict[Platform, str] = {}
        self._accounts: dict[tuple[Platform, str], str] = {}
        self._lock = threading.Lock()

    def open(
        self,
        client_id: str,
        accounts: Mapping[Platform, str],
        specs: Mapping[Platform, AccountSpec] | None = None,
    ) -> None:
        """Give ``client_id`` an ad account on each platform named, under the account ids given
        (the demo's markets unless ``specs`` says otherwise)."""
        specs = specs or demo_accounts()
        self.sandbox.open_client(client_id, {p: specs[p] for p in accounts})
        with self._lock:
            for platform, account_id in accounts.items():
                self._accounts[(platform, account_id)] = client_id

    def client_of(self, platform: Platform, account_id: str) -> str | None:
        with self._lock:
            return self._accounts.get((platform, account_id))

    def accounts(self, platform: Platform) -> dict[str, str]:
        """The platform's account ids and the clients they belong to."""
        with self._lock:
            return {a: c for (p, a), c in self._accounts.items() if p is platform}

    def account_of(self, client_id: str, platform: Platform) -> str | None:
        return next((a for a, c in self.accounts(platform).items() if c == client_id), None)

    def campaigns(self, client_id: str, platform: Platform) -> list[CampaignReading]:
        """The account's campaigns now (an injected outage on reads raises)."""
        return self.sandbox.read_campaigns(client_id, platform, window_s=3600.0)

    def sandbox_id(self, client_id: str, platform: Platform, number: int) -> str | None:
        """The sandbox id of the campaign a fake calls ``number``, if the account has it."""
        with self.store.transaction(client_id) as tx:
            campaigns = tx.state().campaigns_on(platform)
        return next((c.campaign_id for c in campaigns if numeric_id(c.campaign_id) == number), None)

    def hours(self, client_id: str, platform: Platform, start: datetime) -> list[HourFigures]:
        """Each campaign's figures per UTC hour from the hour of ``start`` to now (the hour in
        progress so far); hours without spend are left out, as platforms leave out empty rows."""
        if self.store.take_outage(platform, "read", client_id):
            raise PlatformUnavailableError(platform, "read", "injected outage (sandbox)")
        with self.store.transaction(client_id) as tx:
            now = self.clock.now()
            state = accrue_client(tx, now, retention_hours=RETENTION_HOURS, platform=platform)
            ids = [c.campaign_id for c in state.campaigns_on(platform)]
            buckets = tx.stats(ids, first_hour=hour_of(start), last_hour=hour_of(now))
        return [
            HourFigures(cid, _hour_start(b.hour), b.figures)
            for cid in ids
            for b in buckets.get(cid, [])
        ]


def _hour_start(hour: int) -> datetime:
    return datetime.fromtimestamp(hour * HOUR_US / 1_000_000, tz=UTC)


def decimal_text(micros: int) -> str:
    """Micros as the decimal string platforms send (``"12.5"``, ``"0"``)."""
    units, rest = divmod(micros, 1_000_000)
    return f"{units}.{rest:06d}".rstrip("0").rstrip(".")


def rows_by_campaign(rows: Iterable[HourFigures]) -> dict[str, list[HourFigures]]:
    grouped: dict[str, list[HourFigures]] = {}
    for row in rows:
        grouped.setdefault(row.campaign_id, []).append(row)
    return grouped
