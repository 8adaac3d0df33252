"""The chaos suite's results, in the seed's shape plus the campaign and both reactions."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ChaosTest(enum.Enum):
    MARKET_SHOCK = "market_shock"  # +50 % CPM
    CONVERSION_DROP = "conversion_drop"  # -30 % conversion rate
    API_OUTAGE = "api_outage"  # the platform's API times out for 5 minutes
    BUDGET_OVERRUN = "budget_overrun"  # runaway spend at 10x the daily budget's pace


@dataclass(frozen=True, slots=True)
class Expectation:
    """The reactions that pass (codes such as ``PAUSED:MARGIN_GUARDIAN``, ``ROLLED_BACK``,
    ``NONE``), and why, in words computed from the copy's economics."""

    accepts: frozenset[str]
    why: str


@dataclass(frozen=True, slots=True)
class Observation:
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class ChaosResult:
    test: ChaosTest
    passed: bool
    details: str
    campaign: str
    client_id: str | None  # None for the seed's own test campaign
    platform: str
    expected: Expectation
    observed: Observation

    def as_seed_dict(self) -> dict[str, Any]:
        """``{"test", "passed", "details"}`` as the seed's tests return them, plus ours."""
        return {
            "test": self.test.value,
            "passed": self.passed,
            "details": self.details,
            "campaign": self.campaign,
            "client_id": self.client_id,
            "platform": self.platform,
            "expected": sorted(self.expected.accepts),
            "expected_why": self.expected.why,
            "observed": self.observed.code,
            "observed_detail": self.observed.detail,
        }


@dataclass(frozen=True, slots=True)
class ChaosReport:
    at: datetime
    results: tuple[ChaosResult, ...]
    skipped: Mapping[str, str] = field(default_factory=dict)  # campaign id -> why not copied

    @property
    def failures(self) -> tuple[ChaosResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def passed(self) -> int:
        return len(self.results) - len(self.failures)

    @property
    def pass_rate(self) -> float:
        return 1.0 if not self.results else self.passed / len(self.results)

    def metadata(self) -> dict[str, Any]:
        """The seed's audit metadata: total_tests, passed, failed, results."""
        return {
            "total_tests": len(self.results),
            "passed": self.passed,
            "failed": len(self.failures),
            "results": [r.as_seed_dict() for r in self.results],
        }
