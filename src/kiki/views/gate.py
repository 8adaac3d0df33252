"""The gate's learning as JSON: calibration, tuning, an applied threshold, the weekly review.

The shapes are the results' own ``to_dict`` (what is audited as evidence, money in exact
micros), with each ``x_micros`` joined by ``x`` in currency units, for people.
"""

from __future__ import annotations

from typing import Any

from kiki.core.money import MICROS_PER_UNIT
from kiki.synctwin.domain.calibration import CalibrationReport
from kiki.synctwin.services.review import WeeklyReview
from kiki.synctwin.services.tune_threshold import ThresholdChange

_MICROS = "_micros"


def calibration(report: CalibrationReport) -> dict[str, Any]:
    """``overall`` and one entry per client, each with its ten-bin reliability table."""
    return report.to_dict()


def tuning(change: ThresholdChange) -> dict[str, Any]:
    """The recommendation (or the refusals), the evidence, and every candidate threshold."""
    return _with_units(change.to_dict())


def threshold_change(change: ThresholdChange) -> dict[str, Any]:
    """What ``--apply`` did: the evidence and the status, without the sweep."""
    return _with_units({**change.evidence(), "status": change.status.value})


def review(result: WeeklyReview) -> dict[str, Any]:
    return _with_units(result.to_dict())


def _with_units(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        out[key] = _nested(value)
        if key.endswith(_MICROS) and key[: -len(_MICROS)] not in body:
            out[key[: -len(_MICROS)]] = None if value is None else value / MICROS_PER_UNIT
    return out


def _nested(value: Any) -> Any:
    if isinstance(value, dict):
        return _with_units(value)
    if isinstance(value, list):
        return [_nested(x) for x in value]
    return value
