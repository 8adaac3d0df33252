"""Seeded gate histories for the API tests: synthetic decisions with outcomes, kept in the
built app's own decision store (as launches and ``kiki twin outcomes`` would have)."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiki.application.services import Services
from kiki.synctwin.testing import GateBehaviour, record_decisions, synthetic_decisions

EVERY = timedelta(hours=2)


def seed_history(
    services: Services,
    client_id: str,
    *,
    n: int = 300,
    behaviour: GateBehaviour = GateBehaviour.OPTIMISTIC,
    seed: int = 3,
    until: datetime | None = None,
) -> int:
    """``n`` decisions for ``client_id``, one every two hours, the last two hours before
    ``until`` (default: the app's now), 5 % of them still awaiting an outcome."""
    end = services.ports.clock.now() if until is None else until
    decisions = synthetic_decisions(
        n,
        behaviour=behaviour,
        seed=seed,
        clients=(client_id,),
        start=end - n * EVERY,
        every=EVERY,
        awaiting_share=0.05,
    )
    return record_decisions(decisions, store=services.ports.gate_decisions)
