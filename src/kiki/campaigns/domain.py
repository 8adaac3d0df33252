"""A campaign as KIKI sees it: status, pause reason, budget, bid, and the changes made to it.

The platform holds a campaign's live state (``CampaignState``); KIKI keeps why it changed it
(``CampaignChange``), so that a pause carries its reason and a rollback knows the last
configuration that was known to be good.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiki.campaigns.projection import Projection
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform

MAX_CAMPAIGN_ID_LENGTH = 100
MAX_CAMPAIGN_NAME_LENGTH = 200


class CampaignStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    REMOVED = "REMOVED"


class PauseReason(enum.Enum):
    """Why KIKI (or a person through KIKI) paused a campaign."""

    MANUAL = "MANUAL"
    MARGIN_GUARDIAN = "MARGIN_GUARDIAN"
    CVR_DROP = "CVR_DROP"
    BUDGET_OVERRUN = "BUDGET_OVERRUN"
    SYNCTWIN_DEVIATION_THRESHOLD = "SYNCTWIN_DEVIATION_THRESHOLD"
    STUCK = "STUCK"

    @classmethod
    def parse(cls, value: object, *, field: str = "reason") -> PauseReason:
        if isinstance(value, PauseReason):
            return value
        try:
            return cls(str(value).strip().upper())
        except ValueError:
            names = ", ".join(r.value for r in cls)
            raise InvalidInputError(field, f"must be one of {names}") from None


class BidStrategy(enum.Enum):
    AUTOMATIC = "AUTOMATIC"  # the platform bids to spend the budget
    MAX_CPC = "MAX_CPC"  # a ceiling on the cost of one click
    TARGET_CPA = "TARGET_CPA"  # the cost per acquisition the platform aims at


@dataclass(frozen=True, slots=True)
class Bid:
    """A campaign's bid: the platform's automatic bidding, or an amount in micros."""

    strategy: BidStrategy = BidStrategy.AUTOMATIC
    amount: Money | None = None

    def __post_init__(self) -> None:
        if self.strategy is BidStrategy.AUTOMATIC:
            if self.amount is not None:
                raise InvalidInputError("bid", "automatic bidding takes no amount")
        elif self.amount is None or self.amount.micros <= 0:
            raise InvalidInputError("bid", f"{self.strategy.value} needs a positive amount")

    @classmethod
    def automatic(cls) -> Bid:
        return cls()

    @property
    def micros(self) -> int | None:
        return None if self.amount is None else self.amount.micros


@dataclass(frozen=True, slots=True)
class CampaignRef:
    """Enough to route a call for one campaign to its platform's adapter."""

    client_id: str
    platform: Platform
    campaign_id: str

    def __post_init__(self) -> None:
        check_campaign_id(self.campaign_id)


@dataclass(frozen=True, slots=True)
class CampaignState:
    """A campaign as its platform reports it now."""

    ref: CampaignRef
    name: str
    status: CampaignStatus
    daily_budget: Money
    bid: Bid
    created_at: datetime

    @property
    def campaign_id(self) -> str:
        return self.ref.campaign_id

    @property
    def client_id(self) -> str:
        return self.ref.client_id

    @property
    def platform(self) -> Platform:
        return self.ref.platform


class ChangeKind(enum.Enum):
    CREATED = "CREATED"
    PAUSED = "PAUSED"
    RESUMED = "RESUMED"
    BUDGET = "BUDGET"
    BID = "BID"
    ROLLED_BACK = "ROLLED_BACK"  # budget and bid returned to an earlier configuration


@dataclass(frozen=True, slots=True)
class CampaignConfig:
    """What KIKI can set on a campaign: its status, daily budget and bid."""

    status: CampaignStatus
    daily_budget: Money
    bid: Bid

    @classmethod
    def of(cls, state: CampaignState) -> CampaignConfig:
        return cls(state.status, state.daily_budget, state.bid)


@dataclass(frozen=True, slots=True)
class CampaignChange:
    """One change KIKI made to a campaign, with who decided it and on what figures.

    ``actor`` names the rule or person (``MANUAL``, ``margin``, ``cvr_drop``, ``twin launch``);
    ``before`` and ``after`` are the configuration either side of the change.
    """

    ref: CampaignRef
    at: datetime
    kind: ChangeKind
    actor: str
    before: CampaignConfig | None
    after: CampaignConfig
    reason: PauseReason | None = None
    note: str | None = None
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Campaign:
    """A campaign for people and entrypoints: the platform's state plus KIKI's pause reason."""

    state: CampaignState
    pause_reason: PauseReason | None = None
    projection: Projection | None = None  # the gate's, when launched through it

    @property
    def campaign_id(self) -> str:
        return self.state.campaign_id


def check_campaign_id(value: object, *, field: str = "campaign_id") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must be a non-empty string")
    if len(value) > MAX_CAMPAIGN_ID_LENGTH:
        raise InvalidInputError(field, f"must be at most {MAX_CAMPAIGN_ID_LENGTH} characters")
    if not value.isprintable():
        raise InvalidInputError(field, "must be printable text")
    return value


def check_campaign_name(value: object, *, field: str = "name") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must be a non-empty string")
    if len(value) > MAX_CAMPAIGN_NAME_LENGTH:
        raise InvalidInputError(field, f"must be at most {MAX_CAMPAIGN_NAME_LENGTH} characters")
    return value.strip()
