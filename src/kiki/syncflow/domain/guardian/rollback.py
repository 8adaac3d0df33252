"""The last known-good configuration of a campaign, from its history of changes.

It is the budget and bid before the campaign's most recent change of budget or bid. Changes
the guardian made itself on the way are not configurations to return to: the bid controller's
nudges (recomputed from the economics every tick) and a rollback's own partial steps. If the
most recent change is already a rollback, there is nothing better to return to: pause.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiki.campaigns.domain import CampaignChange, CampaignConfig, ChangeKind
from kiki.syncflow.domain.guardian.rules import GuardRule

_OWN_STEPS = frozenset({GuardRule.API_OUTAGE.value, GuardRule.CVR_DROP.value})


def rollback_target(history: Sequence[CampaignChange]) -> CampaignConfig | None:
    """The configuration to return to, or None when the campaign should be paused instead."""
    for change in reversed(history):
        if change.kind is ChangeKind.ROLLED_BACK:
            return None
        if change.kind in (ChangeKind.BUDGET, ChangeKind.BID) and change.actor not in _OWN_STEPS:
            return change.before
    return None
