"""SyncTwin's use cases: simulate, launch through the gate, baselines, outcomes, backtests."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from kiki.application import inputs
from kiki.application.base import ServicesBase
from kiki.application.ports import Ports
from kiki.application.values import ClientValues
from kiki.core.errors import ConfigurationError
from kiki.core.money import Money
from kiki.settings import Settings
from kiki.syncshield.chain import AuditEvent
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import SimulationResult, simulate
from kiki.synctwin.ports import GateDecision
from kiki.synctwin.services.backtest import BacktestReport, HistoricalCampaign, run_backtest
from kiki.synctwin.services.gatekeeper import SimulationGatekeeper
from kiki.synctwin.services.launch_campaign import LaunchOutcome, launch_campaign
from kiki.synctwin.services.shadow import ShadowReport, import_outcomes, shadow_report

BASELINE_RECORDED = "TWIN_BASELINE_RECORDED"


class TwinServices(ServicesBase):
    def gatekeeper(self) -> SimulationGatekeeper:
        s = self.ports.settings
        return SimulationGatekeeper(
            baselines=self._baselines(),
            clock=self.ports.clock,
            metrics=self.ports.metrics,
            threshold=s.confidence_threshold,
            simulations=s.simulations,
            variance=s.variance,
            thresholds=self.ports.thresholds,  # an applied threshold takes effect at launch
        )

    def simulate(
        self,
        strategy: Strategy,
        baseline: Baseline | None = None,
        *,
        client_id: str | None = None,
        seed: int | None = None,
    ) -> SimulationResult:
        """Simulate on ``baseline``, or on the client's own (SyncValue's or recorded)."""
        if baseline is None:
            if client_id is None:
                raise ConfigurationError("a simulation needs a baseline or a client")
            return self.gatekeeper().evaluate(strategy, client_id, seed=seed)[0]
        started = self.ports.clock.monotonic()
        result = simulate_strategy(self.ports.settings, strategy, baseline, seed=seed)
        self.ports.metrics.observe_simulation(
            result.total_simulations, self.ports.clock.monotonic() - started
        )
        return result

    def launch(self, client_id: str, strategy: Strategy) -> LaunchOutcome:
        p = self.ports
        return launch_campaign(
            self.require_client(client_id),
            strategy,
            gatekeeper=self.gatekeeper(),
            campaigns=p.gateway,
            book=p.campaigns,
            store=p.gate_decisions,
            audit=p.audit,
        )

    def record_baseline(self, client_id: str, baseline: Baseline) -> None:
        p = self.ports
        now = p.clock.now()
        inputs.check_client(client_id)
        p.baselines.put(client_id, baseline, at=now)
        p.audit.append(AuditEvent(BASELINE_RECORDED, now, client_id, metadata=baseline.to_dict()))

    def import_outcomes(self, outcomes: Iterable[tuple[str, Money]]) -> tuple[int, ShadowReport]:
        p = self.ports
        count = import_outcomes(outcomes, store=p.gate_decisions, at=p.clock.now())
        return count, shadow_report(store=p.gate_decisions)

    def gate_decisions(self, client_id: str | None = None) -> list[GateDecision]:
        """The gate's decisions, oldest first, with any imported outcome."""
        if client_id is not None:
            self.require_client(client_id)
        return self.ports.gate_decisions.decisions(client_id=client_id)

    def _baselines(self) -> TwinBaselines:
        return TwinBaselines(self.ports, self.values)


def simulate_strategy(
    settings: Settings,
    strategy: Strategy,
    baseline: Baseline,
    *,
    seed: int | None = None,
    simulations: int | None = None,
    keep_samples: bool = False,
) -> SimulationResult:
    """The gate's Monte Carlo on a given baseline, with the settings' model: pure."""
    return simulate(
        strategy,
        baseline,
        simulations=settings.simulations if simulations is None else simulations,
        variance=settings.variance,
        seed=seed,
        threshold=settings.confidence_threshold,
        keep_samples=keep_samples,
    )


def backtest(
    settings: Settings,
    campaigns: Sequence[HistoricalCampaign],
    *,
    seed: int | None = None,
    simulations: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BacktestReport:
    """What the gate would have decided on historical campaigns: pure."""
    return run_backtest(
        campaigns,
        threshold=settings.confidence_threshold,
        simulations=settings.simulations if simulations is None else simulations,
        variance=settings.variance,
        seed=seed,
        progress=progress,
    )


class TwinBaselines:
    """SyncTwin's BaselineSource: SyncValue's measured baseline when the client has orders,
    else the one recorded by hand."""

    def __init__(self, ports: Ports, values: ClientValues) -> None:
        self._ports = ports
        self._values = values

    def baseline(self, client_id: str, *, lookback_days: int, as_of: datetime) -> Baseline | None:
        if self._ports.values.has_data(client_id):
            measured = self._values.baseline(client_id, lookback_days=lookback_days, as_of=as_of)
            if measured.avg_order_value is not None and measured.avg_order_value.micros > 0:
                return Baseline(
                    avg_order_value=measured.avg_order_value,
                    monthly_revenue=measured.monthly_revenue,
                    monthly_ad_spend=measured.monthly_ad_spend,
                )
        return self._ports.baselines.baseline(client_id, lookback_days=lookback_days, as_of=as_of)
