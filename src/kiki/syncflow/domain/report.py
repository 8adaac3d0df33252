"""What a cycle did: its status, the plan, and how each planned shift ended."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.plan import CyclePlan, PlannedShift


class ShiftResult(enum.Enum):
    APPLIED = "APPLIED"
    FAILED = "FAILED"  # nothing changed anywhere
    ROLLED_BACK = "ROLLED_BACK"  # source lowered, destination failed, source restored
    STUCK = "STUCK"  # platforms and ledger may disagree: the client is stuck until resolved
    ALREADY_RECORDED = "ALREADY_RECORDED"  # a retry of a shift the ledger already holds
    # a leg was requested and the platform has not confirmed it (a CSV change file): the
    # transfer stays PENDING for the reconciler, the other leg is left as it is
    PENDING_CONFIRMATION = "PENDING_CONFIRMATION"


@dataclass(frozen=True, slots=True)
class ShiftOutcome:
    shift_id: str
    shift: PlannedShift
    result: ShiftResult
    detail: str = ""


class CycleStatus(enum.Enum):
    COMPLETED = "COMPLETED"
    DRY_RUN = "DRY_RUN"
    LOCKED = "LOCKED"  # another cycle for this client was running; this one did nothing
    PAUSED = "PAUSED"  # a person paused the client: no shifts until resumed
    STUCK = "STUCK"  # platforms and ledger may disagree: no shifts until a person resolves it
    # a shift waits for a platform to confirm a change: no new shift until it is settled
    PENDING_CONFIRMATION = "PENDING_CONFIRMATION"


@dataclass(frozen=True, slots=True)
class CycleReport:
    """One cycle for one client; ``at`` is when the platforms were read."""

    client_id: str
    status: CycleStatus
    at: datetime
    plan: CyclePlan | None = None
    outcomes: tuple[ShiftOutcome, ...] = ()
    budgets_before: dict[Platform, Money] = field(default_factory=dict)
    errors: dict[Platform, str] = field(default_factory=dict)
