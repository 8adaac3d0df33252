"""Changes requested at a platform and not yet confirmed by it.

A gateway that cannot apply a change itself (the CSV gateway: a person uploads its change
file) raises ChangePendingError from the write, and answers ``pending_changes`` until the
platform's next export confirms the change or shows it was not made. Callers that must know
whether a budget they read is final (the reconciler) ask here first: while a change is
pending, the budget read is neither the target nor the budget before, it is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from kiki.core.platform import Platform


@dataclass(frozen=True, slots=True)
class PendingChange:
    """One line of a change file: a campaign's field from ``old`` to ``new``."""

    client_id: str
    platform: Platform
    campaign_id: str
    field: str
    old: str
    new: str
    reason: str
    requested_at: datetime


@runtime_checkable
class PendingChanges(Protocol):
    def pending_changes(self, client_id: str, platform: Platform) -> tuple[PendingChange, ...]:
        """The client's changes on ``platform`` still waiting for the platform's confirmation
        (none on a gateway that applies its changes itself)."""
        ...
