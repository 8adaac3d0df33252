"""What the chaos suite needs from outside: fresh twin stores, metrics, and a way to fan out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiki.campaigns.ports import CampaignBook
from kiki.platforms.sandbox.store import SandboxStore
from kiki.syncflow.domain.guardian.rules import GuardRule
from kiki.syncflow.guardian_ports import GuardMemoryStore
from kiki.syncshield.ports import AuditLog
from kiki.synctwin.chaos.copies import CampaignCopy
from kiki.synctwin.chaos.results import ChaosResult


class TwinWorlds(Protocol):
    """Fresh, empty, in-process stores for one twin; bootstrap provides the adapters."""

    def sandbox_store(self) -> SandboxStore: ...

    def campaign_book(self) -> CampaignBook: ...

    def audit_log(self) -> AuditLog: ...

    def guard_memory(self) -> GuardMemoryStore: ...


@dataclass(frozen=True, slots=True)
class ScenarioPlan:
    """How the twins run: the live guardian's rules, interval and windows."""

    rules: frozenset[GuardRule]
    day_start: datetime  # midnight of the twins' day: every scenario starts there
    interval_s: float = 60.0
    price_window_s: float = 300.0
    funnel_window_s: float = 14 * 86_400.0


class ChaosFanout(Protocol):
    def run(
        self, batches: Sequence[Sequence[CampaignCopy]], plan: ScenarioPlan
    ) -> list[list[ChaosResult]]:
        """Every scenario on every copy, one result list per batch, in order."""
        ...


class ChaosMetrics(Protocol):
    def count_chaos_test(self, test: str, passed: bool) -> None:
        """``synctwin_chaos_tests_total{test,result}``."""
        ...
