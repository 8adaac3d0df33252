"""``kiki platforms check``: read each connected account once and say what it holds, or why
it cannot be read (bad token, no access, unreachable), one line per platform."""

from __future__ import annotations

from dataclasses import dataclass

from kiki.campaigns.domain import CampaignStatus
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.connections import Connection, ConnectionLookup
from kiki.platforms.errors import (
    PlatformAuthError,
    PlatformError,
    PlatformUnavailableError,
    UnknownClientError,
)
from kiki.platforms.ports import CampaignReader

CHECK_WINDOW_S = 3600.0


@dataclass(frozen=True, slots=True)
class AccountCheck:
    """One connected account: what it holds now, or ``problem`` (and nothing else)."""

    platform: Platform
    adapter: str
    account_id: str
    problem: str | None = None
    daily_budget: Money | None = None
    spend_today: Money | None = None
    conversions_today: float | None = None
    campaigns: int | None = None
    active_campaigns: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class PlatformCheck:
    client_id: str
    accounts: tuple[AccountCheck, ...]

    @property
    def ok(self) -> bool:
        return all(a.ok for a in self.accounts)


def check_accounts(
    client_id: str, *, connections: ConnectionLookup, reader: CampaignReader
) -> PlatformCheck:
    """One batched read per connected account; a failure is a line, not an exception."""
    return PlatformCheck(client_id, tuple(_check(c, reader) for c in connections.of(client_id)))


def _check(connection: Connection, reader: CampaignReader) -> AccountCheck:
    base = (connection.platform, connection.adapter, connection.account_id)
    try:
        readings = reader.read_campaigns(
            connection.client_id, connection.platform, window_s=CHECK_WINDOW_S
        )
    except PlatformError as exc:
        return AccountCheck(*base, problem=problem(exc))
    live = [r for r in readings if r.state.status is not CampaignStatus.REMOVED]
    unreadable = [r for r in readings if r.telemetry is None]
    if unreadable:
        first = unreadable[0]
        return AccountCheck(
            *base,
            problem=f"unreadable figures: {len(unreadable)} campaign(s), e.g. "
            f"{first.state.campaign_id}: {first.problem}",
        )
    today = [r.telemetry.today for r in readings if r.telemetry is not None]
    return AccountCheck(
        *base,
        daily_budget=Money(sum(r.state.daily_budget.micros for r in live)),
        spend_today=Money(sum(t.spend.micros for t in today)),
        conversions_today=sum(t.conversions for t in today),
        campaigns=len(live),
        active_campaigns=sum(r.state.status is CampaignStatus.ACTIVE for r in live),
    )


def problem(exc: PlatformError) -> str:
    """Why an account cannot be read, in one line that starts with the kind of problem."""
    if isinstance(exc, PlatformAuthError):
        return f"{exc.problem}: {exc.fix}"
    if isinstance(exc, UnknownClientError):
        return f"no access: {exc}"
    if isinstance(exc, PlatformUnavailableError):
        return f"unreachable: {exc}"
    return f"error: {exc}"
