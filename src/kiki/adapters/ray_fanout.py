"""RayFanout: the chaos suite's clients spread over a Ray cluster (``pip install 'kiki[ray]'``).

The twins need nothing but the frozen copies and the plan, so a worker builds its own
in-process stores and runs the same scenarios as this process would, in the same order:
the results are the ones a local run gives. Batches are grouped into a few tasks per CPU, so
that scheduling costs little next to the work.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from kiki.adapters.memory.twins import MemoryTwinWorlds
from kiki.synctwin.chaos.copies import CampaignCopy
from kiki.synctwin.chaos.fanout import run_batch
from kiki.synctwin.chaos.ports import ScenarioPlan
from kiki.synctwin.chaos.results import ChaosResult

LOCAL = "local"
TASKS_PER_CPU = 4


class RayFanout:
    """Implements ChaosFanout over Ray: at ``address``, or a Ray started here (``local``)."""

    def __init__(self, address: str) -> None:
        self._address = address

    def run(
        self, batches: Sequence[Sequence[CampaignCopy]], plan: ScenarioPlan
    ) -> list[list[ChaosResult]]:
        import ray  # noqa: PLC0415  # optional: only a Ray deployment installs it

        if not ray.is_initialized():
            options: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "configure_logging": False,
            }
            if self._address == LOCAL:
                ray.init(num_cpus=os.cpu_count() or 1, **options)
            else:
                ray.init(address=self._address, **options)
        if not batches:
            return []
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]  # ray's own signature is untyped
        cpus = max(1, int(resources.get("CPU", 1)))
        size = max(1, -(-len(batches) // (cpus * TASKS_PER_CPU)))
        chunks = [list(batches[i : i + size]) for i in range(0, len(batches), size)]
        task = ray.remote(run_chunk)
        done: list[list[list[ChaosResult]]] = ray.get([task.remote(c, plan) for c in chunks])
        return [batch for chunk in done for batch in chunk]


def run_chunk(
    batches: Sequence[Sequence[CampaignCopy]], plan: ScenarioPlan
) -> list[list[ChaosResult]]:
    """What a Ray worker runs: its own twin stores, the same scenarios."""
    worlds = MemoryTwinWorlds()
    return [run_batch(batch, plan, worlds) for batch in batches]
