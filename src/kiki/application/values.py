"""Where a client's values come from: SyncValue when it imported data, else the fallback.

One policy for every caller: the optimiser's LTV and CAC, ``kiki value ltv``, HTTP ``/ltv``
and gRPC ``GetPlatformLTV`` all answer from here, so they cannot disagree.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import UnknownClientError
from kiki.syncflow.ports import ValueSource as LtvSource
from kiki.syncvalue.domain.definitions import Baseline, PlatformValue, Window
from kiki.syncvalue.ports import ValueSource


class ValueOrigin(enum.Enum):
    IMPORTED = "imported"  # measured from the client's own customers, orders and spend
    SANDBOX = "sandbox"  # the sandbox market's model of each platform's customers
    NONE = "none"  # nothing known


@dataclass(frozen=True, slots=True)
class PlatformValueAnswer:
    platform: Platform
    ltv: Money | None
    cac: Money | None
    customers: int
    revenue: Money
    spend: Money


@dataclass(frozen=True, slots=True)
class ValueAnswer:
    """LTV and CAC per platform for one window, and where they came from."""

    client_id: str
    window: Window
    origin: ValueOrigin
    platforms: tuple[PlatformValueAnswer, ...]

    def platform(self, platform: Platform) -> PlatformValueAnswer:
        return next(p for p in self.platforms if p.platform is platform)


@runtime_checkable
class MeasuredValues(Protocol):
    """A SyncValue source that measures every platform in one read (SqlValueSource)."""

    def measured(
        self, client_id: str, *, lookback_days: int, as_of: datetime
    ) -> tuple[PlatformValue, ...] | None:
        """Every platform's value in the window; None when the client imported nothing."""
        ...


class ClientValues:
    """The optimiser's ValueSource and the value report, under one policy."""

    def __init__(self, imported: ValueSource, fallback: LtvSource) -> None:
        self._imported = imported
        self._fallback = fallback

    def report(self, client_id: str, *, lookback_days: int, as_of: datetime) -> ValueAnswer:
        window = Window(as_of, lookback_days)
        if self._imported.has_data(client_id):
            measured = self._imported.value_report(
                client_id, lookback_days=lookback_days, as_of=as_of
            )
            answers = tuple(
                PlatformValueAnswer(v.platform, v.ltv, v.cac, v.customers, v.revenue, v.spend)
                for v in measured.platforms
            )
            return ValueAnswer(client_id, window, ValueOrigin.IMPORTED, answers)
        found = {p: self._fallback_ltv(client_id, p, window) for p in Platform}
        origin = ValueOrigin.SANDBOX if any(found.values()) else ValueOrigin.NONE
        answers = tuple(
            PlatformValueAnswer(p, ltv, None, 0, Money.zero(), Money.zero())
            for p, ltv in found.items()
        )
        return ValueAnswer(client_id, window, origin, answers)

    def baseline(self, client_id: str, *, lookback_days: int, as_of: datetime) -> Baseline:
        return self._imported.baseline(client_id, lookback_days=lookback_days, as_of=as_of)

    # -- SyncFlow's ValueSource ------------------------------------------------------------
    def platform_ltv(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        if self._imported.has_data(client_id):
            return self._imported.platform_ltv(
                client_id, platform, lookback_days=lookback_days, as_of=as_of
            )
        return self._fallback_ltv(client_id, platform, Window(as_of, lookback_days))

    def platform_cac(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        """CAC from imported spend; None leaves the gateway's own CAC in force."""
        if not self._imported.has_data(client_id):
            return None
        return self._imported.platform_cac(
            client_id, platform, lookback_days=lookback_days, as_of=as_of
        )

    def platform_values(
        self,
        client_id: str,
        platforms: Iterable[Platform],
        *,
        lookback_days: int,
        as_of: datetime,
    ) -> Mapping[Platform, tuple[Money | None, Money | None]]:
        """Implements SyncFlow's PlatformValues: what ``platform_ltv`` and ``platform_cac``
        answer for each platform, deciding "imported or not" once and, on SQL, measuring
        every platform in one statement."""
        wanted = list(platforms)
        if isinstance(self._imported, MeasuredValues):
            measured = self._imported.measured(client_id, lookback_days=lookback_days, as_of=as_of)
            if measured is not None:
                by_platform = {v.platform: v for v in measured}
                return {p: (by_platform[p].ltv, by_platform[p].cac) for p in wanted}
        elif self._imported.has_data(client_id):
            return {
                p: (
                    self._imported.platform_ltv(
                        client_id, p, lookback_days=lookback_days, as_of=as_of
                    ),
                    self._imported.platform_cac(
                        client_id, p, lookback_days=lookback_days, as_of=as_of
                    ),
                )
                for p in wanted
            }
        window = Window(as_of, lookback_days)
        return {p: (self._fallback_ltv(client_id, p, window), None) for p in wanted}

    def _fallback_ltv(self, client_id: str, platform: Platform, window: Window) -> Money | None:
        try:
            return self._fallback.platform_ltv(
                client_id, platform, lookback_days=window.lookback_days, as_of=window.as_of
            )
        except UnknownClientError:
            return None
