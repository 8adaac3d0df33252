"""What only a sandbox offers beyond the gateway ports: opening accounts, shocks, outages.

A real platform has none of these; the CLI (``kiki sandbox``), the demo, the tests and the
chaos suite use them. Factors are the ones *in effect*, relative to the account's base figures:
shocking CPM to 1.4 twice leaves it at 1.4, and 1.0 heals it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from kiki.campaigns.domain import Campaign
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.telemetry import Totals

MIN_FACTOR = 0.01
MAX_FACTOR = 100.0


def check_factor(value: object, *, field: str) -> float:
    """A shock factor: a finite number in [0.01, 100]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, "must be a number")
    if not math.isfinite(value) or not MIN_FACTOR <= value <= MAX_FACTOR:
        raise InvalidInputError(field, f"must be a finite number in [{MIN_FACTOR}, {MAX_FACTOR:g}]")
    return float(value)


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """The market an ad account buys in: base CPM, click-through and conversion rates, the
    value of an order and of a customer it acquires, and the daily budget it opens with (put
    on one always-on campaign)."""

    daily_budget: Money
    cpm: Money
    ctr: float
    cvr: float
    ltv: Money
    aov: Money | None = None  # revenue per conversion; the LTV when not given

    def __post_init__(self) -> None:
        if self.daily_budget.micros < 0:
            raise InvalidInputError("daily_budget", "must not be negative")
        if self.cpm.micros <= 0:
            raise InvalidInputError("cpm", "must be positive")
        if not 0 < self.ctr <= 1:
            raise InvalidInputError("ctr", "must be in (0, 1]")
        if not 0 < self.cvr <= 1:
            raise InvalidInputError("cvr", "must be in (0, 1]")
        if self.ltv.micros < 0 or (self.aov is not None and self.aov.micros <= 0):
            raise InvalidInputError("aov", "must be positive")

    @property
    def order_value(self) -> Money:
        return self.aov if self.aov is not None else self.ltv


@dataclass(frozen=True, slots=True)
class Factors:
    """Shocks in effect on an account, relative to its base: CPM, conversion rate, and pacing
    (how fast campaigns spend against their budget; 10 is a runaway spend)."""

    cpm: float = 1.0
    cvr: float = 1.0
    spend: float = 1.0

    def __post_init__(self) -> None:
        check_factor(self.cpm, field="cpm_factor")
        check_factor(self.cvr, field="cvr_factor")
        check_factor(self.spend, field="spend_factor")


@dataclass(frozen=True, slots=True)
class AccountView:
    platform: Platform
    spec: AccountSpec
    factors: Factors
    daily_budget: Money  # the sum over its campaigns that are not removed
    window: Totals  # the trailing CAC window
    today: Totals

    @property
    def cac(self) -> Money | None:
        return self.window.cac


@dataclass(frozen=True, slots=True)
class SandboxView:
    client_id: str
    accounts: tuple[AccountView, ...]
    campaigns: tuple[Campaign, ...]  # each with the reason it was paused for, if it is


class SandboxControls(Protocol):
    def open_client(self, client_id: str, accounts: Mapping[Platform, AccountSpec]) -> bool:
        """Open the client's accounts, each with one always-on campaign at its opening budget.
        False, and nothing changed, if the client already has sandbox accounts."""
        ...

    def shock(
        self,
        client_id: str,
        platform: Platform,
        *,
        cpm_factor: float | None = None,
        cvr_factor: float | None = None,
        spend_factor: float | None = None,
    ) -> Factors:
        """Set the factors given (the others stay) from now on; return those in effect.
        InvalidInputError (and nothing changed) for a factor outside [0.01, 100] or not finite."""
        ...

    def reset(self, client_id: str) -> None:
        """Back to the day the client opened: campaigns, budgets, factors, history."""
        ...

    def show(self, client_id: str, *, window_s: float) -> SandboxView:
        """Accounts (budgets, factors, trailing totals) and campaigns; UnknownClientError."""
        ...


class FaultInjector(Protocol):
    def fail(
        self,
        platform: Platform,
        operation: str = "*",
        *,
        client_id: str | None = None,
        times: int | None = None,
    ) -> None:
        """Make ``operation`` (read, set, create_campaign or *) on ``platform`` fail ``times``
        times (forever when None), for one client or all."""
        ...

    def heal(self, platform: Platform | None = None) -> None:
        """End injected outages, of one platform or all."""
        ...
