"""What the adapters of part 2 share about campaigns: an account's budget is the sum of its
campaigns' that are not removed, and a new account budget is spread over the campaigns that
carry a budget of their own, in whole units of the platform's step (``split_in_steps``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiki.adapters.platforms.accounts import split_in_steps
from kiki.campaigns.domain import CampaignState, CampaignStatus
from kiki.core.money import Money
from kiki.platforms.errors import UnrepresentableAmountError


@dataclass(frozen=True, slots=True)
class Held:
    """A campaign as the platform holds it; ``own_budget`` False when it has no daily budget
    of its own to move (an unlimited or lifetime budget, a shared or portfolio budget)."""

    state: CampaignState
    own_budget: bool = True


def account_budget(campaigns: Sequence[Held]) -> Money:
    return Money(
        sum(
            c.state.daily_budget.micros
            for c in campaigns
            if c.state.status is not CampaignStatus.REMOVED
        )
    )


def budget_changes(
    campaigns: Sequence[Held], budget: Money, *, step_micros: int, currency: str
) -> list[tuple[CampaignState, int]]:
    """The campaigns whose daily budget changes for the account to hold ``budget``, and their
    new budgets in micros; UnrepresentableAmountError when no campaign can carry it."""
    live = [c for c in campaigns if c.state.status is not CampaignStatus.REMOVED]
    movable = [c.state for c in live if c.own_budget]
    fixed = sum(c.state.daily_budget.micros for c in live if not c.own_budget)
    if not movable or budget.micros < fixed:
        raise UnrepresentableAmountError(
            "daily_budget",
            "the account has no campaign with a daily budget of its own to carry it"
            if not movable
            else "is below what the campaigns without a daily budget of their own hold",
        )
    split = split_in_steps(
        [s.daily_budget.micros for s in movable],
        [s.status is CampaignStatus.ACTIVE for s in movable],
        Money(budget.micros - fixed),
        step_micros=step_micros,
        currency=currency,
    )
    return [
        (s, micros)
        for s, micros in zip(movable, split, strict=True)
        if micros != s.daily_budget.micros
    ]
