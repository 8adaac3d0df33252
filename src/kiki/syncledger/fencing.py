"""The lease that gives one process a client's cycle, and the fencing token writes check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Lease:
    """The right to run one client's cycle until ``expires_at``. ``token`` grows with every new
    holder, so a ledger write fenced with it is refused once another holder took over."""

    client_id: str
    holder: str
    token: int
    expires_at: datetime
