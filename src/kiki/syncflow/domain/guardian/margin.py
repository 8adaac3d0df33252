"""Rule 1, margin: is the campaign's cost per acquisition provably past what the client's
economics allow?

CPA = price x funnel: the CPM of the last few minutes (the price window) times the impressions
one conversion takes over the long funnel window. The verdict uses the favourable end of the
conversion count's one-sided 95 % interval, so that a breach means a breach, not noise. With
too few impressions in the price window the funnel window's own CPM stands in (slower, but a
small campaign is not left unguarded).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kiki.syncflow.domain.guardian.economics import Counts, conversions_upper
from kiki.syncflow.domain.guardian.thresholds import CONFIDENCE_Z, GuardianThresholds


class MarginStatus(enum.Enum):
    BREACH = "breach"  # even the favourable bound is past the allowed CPA
    WITHIN = "within"
    UNKNOWN = "unknown"  # not enough evidence, or no economics to judge by


@dataclass(frozen=True, slots=True)
class MarginCheck:
    status: MarginStatus
    detail: str
    cpa_micros: float | None = None  # the point estimate
    cpa_bound_micros: float | None = None  # the favourable end, compared with allowed
    allowed_cpa_micros: float = 0.0
    price_cpm_micros: float | None = None
    price_span: str = ""  # "price window" or "funnel window"
    funnel_conversions: float = 0.0

    def figures(self) -> dict[str, object]:
        return {
            "cpa_micros": _micros(self.cpa_micros),
            "cpa_bound_micros": _micros(self.cpa_bound_micros),
            "allowed_cpa_micros": _micros(self.allowed_cpa_micros),
            "cpm_micros": _micros(self.price_cpm_micros),
            "price_span": self.price_span,
            "funnel_conversions": round(self.funnel_conversions, 3),
        }


def check_margin(
    *, price: Counts, funnel: Counts, allowed_cpa_micros: float, thresholds: GuardianThresholds
) -> MarginCheck:
    if allowed_cpa_micros <= 0:
        return MarginCheck(MarginStatus.UNKNOWN, "no LTV known for this platform")
    if funnel.conversions < thresholds.min_conversions:
        return MarginCheck(
            MarginStatus.UNKNOWN,
            f"{funnel.conversions:.1f} conversions in the funnel window "
            f"(needs {thresholds.min_conversions:g})",
            allowed_cpa_micros=allowed_cpa_micros,
            funnel_conversions=funnel.conversions,
        )
    span, cpm = "price window", price.cpm_micros
    if price.impressions < thresholds.min_price_impressions or cpm is None:
        span, cpm = "funnel window", funnel.cpm_micros
    if cpm is None or funnel.impressions <= 0:
        return MarginCheck(MarginStatus.UNKNOWN, "no impressions to price")
    impressions_per_conversion = funnel.impressions / funnel.conversions
    upper = conversions_upper(funnel.conversions, CONFIDENCE_Z)
    cpa = cpm / 1000.0 * impressions_per_conversion
    bound = cpm / 1000.0 * funnel.impressions / upper
    status = MarginStatus.BREACH if bound > allowed_cpa_micros else MarginStatus.WITHIN
    return MarginCheck(
        status,
        f"CPA {cpa / 1e6:.2f} (at least {bound / 1e6:.2f}) against "
        f"{allowed_cpa_micros / 1e6:.2f} allowed, CPM from the {span}",
        cpa_micros=cpa,
        cpa_bound_micros=bound,
        allowed_cpa_micros=allowed_cpa_micros,
        price_cpm_micros=cpm,
        price_span=span,
        funnel_conversions=funnel.conversions,
    )


def _micros(value: float | None) -> int | None:
    return None if value is None else round(value)
