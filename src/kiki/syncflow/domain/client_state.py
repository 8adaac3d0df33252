"""Whether KIKI may move a client's money: ACTIVE, PAUSED by a person, or STUCK.

A client is STUCK when its platforms and its ledger may disagree (a shift KIKI could not finish
or undo, a pending transfer the platforms' budgets do not explain): no cycle runs for it until a
person has looked and resumed it, and resuming checks that they agree again.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ClientState(enum.Enum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    STUCK = "STUCK"


@dataclass(frozen=True, slots=True)
class ClientStatus:
    client_id: str
    state: ClientState
    reason: str = ""
    since: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def may_move_money(self) -> bool:
        return self.state is ClientState.ACTIVE
