"""The PlatformGateway port: read a platform's budget and CAC, set an absolute daily budget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kiki.core.money import Money
from kiki.core.platform import Platform


@dataclass(frozen=True, slots=True)
class PlatformReading:
    daily_budget: Money
    cac: Money | None  # None when the platform has no conversions to divide by yet


class PlatformGateway(Protocol):
    def platforms(self, client_id: str) -> list[Platform]:
        """The platforms the client has an ad account on; UnknownClientError if none."""
        ...

    def read(self, client_id: str, platform: Platform) -> PlatformReading:
        """Current daily budget and trailing CAC; PlatformUnavailableError on API failure."""
        ...

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        """Set the absolute daily budget (never a delta, so a retry cannot apply twice)."""
        ...


class CampaignGateway(Protocol):
    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money
    ) -> str:
        """Create an active campaign on the client's ad account; return the platform's id.

        UnknownClientError if the client has no account there; PlatformUnavailableError on
        API failure (then nothing was created).
        """
        ...
