"""The gateway ports: read accounts and campaigns at an ad platform, and change them.

Every write takes an absolute target (a budget, a bid, a status), never a delta, so a retry
after an unknown outcome cannot apply a change twice. Adapters raise PlatformUnavailableError
when the platform's API fails or times out (nothing changed by that call), UnknownClientError
when the client has no account there, and CampaignNotFoundError for an unknown campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kiki.campaigns.domain import Bid, CampaignRef, CampaignState, PauseReason
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.telemetry import Telemetry


@dataclass(frozen=True, slots=True)
class PlatformReading:
    """One ad account: its daily budget (the sum over its campaigns that are not removed),
    the CAC over the trailing window (None without conversions), and the telemetry behind it.
    ``budget_step`` is the smallest unit the platform takes a budget in (a cent on most real
    platforms; a micro on the sandbox): a budget to set must be a whole number of it."""

    daily_budget: Money
    cac: Money | None
    telemetry: Telemetry | None = None
    budget_step: Money = field(default_factory=lambda: Money(1))


@dataclass(frozen=True, slots=True)
class CampaignReading:
    """A campaign and its figures. ``telemetry`` is None when the platform answered but its
    figures for this campaign could not be taken (missing, not finite, negative, impossible):
    ``problem`` says why. Such a reading is never to be read as zero spend."""

    state: CampaignState
    telemetry: Telemetry | None
    problem: str | None = None


class PlatformGateway(Protocol):
    """Accounts: what the optimiser reads and moves."""

    def platforms(self, client_id: str) -> list[Platform]:
        """The platforms the client has an ad account on; UnknownClientError if none."""
        ...

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> PlatformReading:
        """The account's budget and telemetry over the trailing ``window_s`` seconds."""
        ...

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        """Make the account's daily budget ``budget``: the change is spread over its active
        campaigns in proportion to their budgets, to the micro (``split_budget``)."""
        ...


class CampaignReader(Protocol):
    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        """Every campaign of the client's account there, with telemetry, in one batched read."""
        ...


class CampaignControl(Protocol):
    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        """Create an active campaign; nothing is created when it raises."""
        ...

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState: ...

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState: ...

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:
        """Pause (idempotent: pausing a paused campaign changes nothing)."""
        ...

    def resume(self, ref: CampaignRef) -> CampaignState:
        """Make a paused campaign active again (idempotent)."""
        ...


class Gateway(PlatformGateway, CampaignReader, CampaignControl, Protocol):
    """Everything a platform adapter offers; bootstrap routes each client's platforms to one."""
