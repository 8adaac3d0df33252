"""LocalFanout: every copy's scenarios in this process, one after another."""

from __future__ import annotations

from collections.abc import Sequence

from kiki.synctwin.chaos.copies import CampaignCopy
from kiki.synctwin.chaos.ports import ScenarioPlan, TwinWorlds
from kiki.synctwin.chaos.results import ChaosResult
from kiki.synctwin.chaos.scenarios import run_all


class LocalFanout:
    """Implements ChaosFanout."""

    def __init__(self, worlds: TwinWorlds) -> None:
        self._worlds = worlds

    def run(
        self, batches: Sequence[Sequence[CampaignCopy]], plan: ScenarioPlan
    ) -> list[list[ChaosResult]]:
        return [run_batch(batch, plan, self._worlds) for batch in batches]


def run_batch(
    batch: Sequence[CampaignCopy], plan: ScenarioPlan, worlds: TwinWorlds
) -> list[ChaosResult]:
    results: list[ChaosResult] = []
    for copy in batch:
        results += run_all(copy, plan, worlds, day_start=plan.day_start)
    return results
