"""Shadow mode: attach real outcomes to past gate decisions and score the gate against them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kiki.core.money import Money
from kiki.synctwin.domain.backtest import Confusion, confusion
from kiki.synctwin.ports import GateDecisionStore


@dataclass(frozen=True, slots=True)
class ShadowReport:
    confusion: Confusion
    decisions: int  # all decisions kept, with or without an outcome yet
    awaiting_outcome: int


def import_outcomes(
    outcomes: Iterable[tuple[str, Money]], *, store: GateDecisionStore, at: datetime
) -> int:
    """Record (decision id, actual net profit) pairs; returns how many were recorded."""
    count = 0
    for decision_id, profit in outcomes:
        store.record_outcome(decision_id, profit, at=at)
        count += 1
    return count


def shadow_report(*, store: GateDecisionStore, client_id: str | None = None) -> ShadowReport:
    decisions = store.decisions(client_id=client_id)
    judged = [d for d in decisions if d.actual_net_profit is not None]
    return ShadowReport(
        confusion=confusion(
            [d.approved for d in judged],
            [d.actual_net_profit is not None and d.actual_net_profit.micros > 0 for d in judged],
        ),
        decisions=len(decisions),
        awaiting_outcome=len(decisions) - len(judged),
    )
