"""Typed results of the use cases that no component owns; entrypoints render these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiki.core.platform import Platform
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.report import CycleReport


@dataclass(frozen=True, slots=True)
class EfficiencyReport:
    """The optimiser's view of a client: the latest recorded reading, and how old it is."""

    reading: CycleReport
    age_s: float
    fresh: bool  # read from the platforms for this request


@dataclass(frozen=True, slots=True)
class ClientSettings:
    client_id: str
    config: OptimizerConfig


@dataclass(frozen=True, slots=True)
class ClientAttached:
    client_id: str
    tenant_id: str | None
    platforms: tuple[Platform, ...]
    sandbox_opened: bool


@dataclass(frozen=True, slots=True)
class OutcomesImported:
    imported: int
    at: datetime
