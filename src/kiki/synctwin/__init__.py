"""SyncTwin: the pre-launch Monte Carlo gate (seed 004, trigger 1)."""

from kiki.synctwin.domain.backtest import Confusion, ThresholdBand, confusion
from kiki.synctwin.domain.inputs import Baseline, Strategy, Uncertainty
from kiki.synctwin.domain.projection import ProjectedDay, project_trajectory
from kiki.synctwin.domain.simulation import (
    RiskProfile,
    SimulationResult,
    exact_confidence,
    risk_profile,
    simulate,
    simulate_batch,
)
from kiki.synctwin.errors import CampaignRejectedError, NoBaselineError, SyncTwinError
from kiki.synctwin.ports import (
    BaselineBook,
    BaselineSource,
    CampaignStore,
    GateDecision,
    GateMetrics,
)
from kiki.synctwin.services.backtest import BacktestReport, HistoricalCampaign, run_backtest
from kiki.synctwin.services.gatekeeper import SimulationGatekeeper
from kiki.synctwin.services.launch_campaign import LaunchedCampaign, launch_campaign
from kiki.synctwin.services.shadow import ShadowReport, import_outcomes, shadow_report

__all__ = [
    "BacktestReport",
    "Baseline",
    "BaselineBook",
    "BaselineSource",
    "CampaignRejectedError",
    "CampaignStore",
    "Confusion",
    "GateDecision",
    "GateMetrics",
    "HistoricalCampaign",
    "LaunchedCampaign",
    "NoBaselineError",
    "ProjectedDay",
    "RiskProfile",
    "ShadowReport",
    "SimulationGatekeeper",
    "SimulationResult",
    "Strategy",
    "SyncTwinError",
    "ThresholdBand",
    "Uncertainty",
    "confusion",
    "exact_confidence",
    "import_outcomes",
    "launch_campaign",
    "project_trajectory",
    "risk_profile",
    "run_backtest",
    "shadow_report",
    "simulate",
    "simulate_batch",
]
