"""Where a client's values come from: SyncValue when it imported data, else the fallback.

One policy for every caller: the optimiser's LTV and CAC, ``kiki value ltv``, HTTP ``/ltv``
and gRPC ``GetPlatformLTV`` all answer from here, so they cannot disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import UnknownClientError
from kiki.syncflow.ports import ValueSource as LtvSource
from kiki.syncvalue.domain.definitions import Baseline, Window
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

    def _fallback_ltv(self, client_id: str, platform: Platform, window: Window) -> Money | None:
        try:
            return self._fallback.platform_ltv(
                client_id, platform, lookback_days=window.lookback_days, as_of=window.as_of
            )
        except UnknownClientError:
            return None
