"""Backtest the gate on historical campaigns: what it would have decided against what happened."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.synctwin.domain.backtest import (
    FN_TARGET,
    FP_TARGET,
    Confusion,
    ThresholdBand,
    confusion,
    threshold_bands,
    threshold_meeting_targets,
)
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import SimulationResult, new_seed, simulate_batch

BACKTEST_CHUNK = 500


@dataclass(frozen=True, slots=True)
class HistoricalCampaign:
    campaign_id: str
    strategy: Strategy
    baseline: Baseline
    actual_net_profit: Money

    @classmethod
    def from_row(cls, row: Mapping[str, str], line: int) -> HistoricalCampaign:
        """One CSV row; errors name the line and the column."""
        try:
            return cls(
                campaign_id=(row.get("campaign_id") or f"line-{line}").strip(),
                strategy=Strategy.from_dict(row),
                baseline=Baseline.from_dict(row),
                actual_net_profit=Money.parse(
                    row.get("actual_net_profit"), field="actual_net_profit", allow_negative=True
                ),
            )
        except InvalidInputError as exc:
            raise InvalidInputError(f"line {line}: {exc.field}", exc.rule) from exc


@dataclass(frozen=True, slots=True)
class BacktestReport:
    campaigns: tuple[HistoricalCampaign, ...]
    results: tuple[SimulationResult, ...]
    confusion: Confusion
    threshold: float
    bands: tuple[ThresholdBand, ...]
    suggested_threshold: float | None
    seed: int
    fn_target: float = FN_TARGET
    fp_target: float = FP_TARGET

    @property
    def meets_targets(self) -> bool:
        return self.confusion.meets(self.fn_target, self.fp_target)


def run_backtest(
    campaigns: Sequence[HistoricalCampaign],
    *,
    threshold: float,
    simulations: int,
    variance: float,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BacktestReport:
    """Simulate every campaign with one seed (in chunks, reporting progress), then score."""
    if not campaigns:
        raise InvalidInputError("campaigns", "the file holds no campaigns")
    seed = new_seed() if seed is None else seed
    results: list[SimulationResult] = []
    for start in range(0, len(campaigns), BACKTEST_CHUNK):
        chunk = campaigns[start : start + BACKTEST_CHUNK]
        results += simulate_batch(
            [c.strategy for c in chunk],
            [c.baseline for c in chunk],
            simulations=simulations,
            variance=variance,
            seed=seed,
            threshold=threshold,
        )
        if progress is not None:
            progress(len(chunk))
    profitable = [c.actual_net_profit.micros > 0 for c in campaigns]
    bands = threshold_bands([r.confidence for r in results], profitable)
    return BacktestReport(
        campaigns=tuple(campaigns),
        results=tuple(results),
        confusion=confusion([r.approved for r in results], profitable),
        threshold=threshold,
        bands=tuple(bands),
        suggested_threshold=threshold_meeting_targets(bands, threshold),
        seed=seed,
    )
