"""What a conversion may cost, and how sure a count of conversions lets us be.

Counts are what platforms report over a span; conversions may be fractional (attributed
shares). The CPA is decomposed as price x funnel: CPM / (1000 x conversions per impression).
A price moves in minutes and is measured precisely from a few dozen impressions; conversions
are rare, so the funnel is read over a long window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiki.core.money import Money


@dataclass(frozen=True, slots=True)
class Counts:
    """Totals over one span: spend in micros, impressions, clicks, conversions."""

    spend_micros: int = 0
    impressions: int = 0
    clicks: int = 0
    conversions: float = 0.0

    @property
    def cpm_micros(self) -> float | None:
        return None if self.impressions <= 0 else self.spend_micros * 1000.0 / self.impressions

    @property
    def conversions_per_impression(self) -> float | None:
        if self.impressions <= 0 or self.conversions <= 0:
            return None
        return self.conversions / self.impressions

    @property
    def cvr(self) -> float | None:
        if self.clicks <= 0:
            return None
        return self.conversions / self.clicks


def allowed_cpa_micros(ltv: Money | None, *, gross_margin: float, margin_floor: float) -> float:
    """LTV x (gross margin - margin floor): what one conversion may cost; 0 when LTV unknown."""
    if ltv is None or ltv.micros <= 0:
        return 0.0
    return ltv.micros * (gross_margin - margin_floor)


def conversions_upper(conversions: float, z: float) -> float:
    """A one-sided upper bound on the expected count behind ``conversions`` (Poisson, normal
    approximation): n + z * sqrt(n). Sound enough from the 20 conversions the rules require."""
    return conversions + z * math.sqrt(max(conversions, 0.0))
