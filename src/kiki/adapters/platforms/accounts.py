"""What every real adapter does the same way: find a client's account from its connection,
check a budget, and spread an account's budget over its campaigns in the platform's unit."""

from __future__ import annotations

from collections.abc import Sequence

from kiki.adapters.platforms.money import to_steps
from kiki.campaigns.domain import CampaignRef
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.budget_split import split_budget
from kiki.platforms.connections import Connection, ConnectionLookup
from kiki.platforms.errors import CampaignNotFoundError, UnknownClientError


class ConnectedAccounts:
    """The connections of one adapter (``adapter``) on its one platform."""

    def __init__(self, connections: ConnectionLookup, *, adapter: str, platform: Platform) -> None:
        self._connections = connections
        self.adapter = adapter
        self.platform = platform

    def platforms(self, client_id: str) -> list[Platform]:
        self.of(client_id, self.platform)
        return [self.platform]

    def of(self, client_id: str, platform: Platform) -> Connection:
        """The client's connection through this adapter; UnknownClientError if it has none."""
        found = None
        if platform is self.platform:
            found = self._connections.get(client_id, platform)
        if found is None or found.adapter != self.adapter:
            raise UnknownClientError(
                f"client {client_id!r} has no {platform.display_name} account connected "
                f"through the {self.adapter} adapter"
            )
        return found

    def of_ref(self, ref: CampaignRef) -> Connection:
        """The connection a campaign lives under; CampaignNotFoundError when there is none."""
        try:
            return self.of(ref.client_id, ref.platform)
        except UnknownClientError:
            raise CampaignNotFoundError(ref.campaign_id) from None


def check_budget(budget: Money, *, field: str = "daily_budget") -> None:
    if budget.micros < 0:
        raise InvalidInputError(field, "must not be negative")


def split_in_steps(
    budgets: Sequence[int],
    active: Sequence[bool],
    target: Money,
    *,
    step_micros: int,
    currency: str,
) -> list[int]:
    """``split_budget`` in whole units of the platform's currency step: exact, or it raises
    UnrepresentableAmountError for a target that is not a whole number of steps."""
    steps = to_steps(target, step_micros, field="daily_budget", currency=currency)
    movable = [b // step_micros for b in budgets]
    return [s * step_micros for s in split_budget(movable, active, steps)]
