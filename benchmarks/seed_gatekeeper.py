"""The seed's SimulationGatekeeper as written in 004_…, for a side-by-side benchmark only.

Kept close to verbatim: a per-iteration ``await``, the global ``np.random`` state and a list of
dicts. Only the baseline fetch is replaced by an in-memory stub so that nothing else is timed.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class _StubSyncValue:
    def __init__(self, baseline: dict[str, Any]) -> None:
        self._baseline = baseline

    async def get_baseline(self, client_id: str, lookback_days: int) -> dict[str, Any]:  # noqa: ARG002
        return self._baseline


class SeedSimulationGatekeeper:
    def __init__(self, baseline: dict[str, Any]) -> None:
        self.syncvalue_client = _StubSyncValue(baseline)

    async def simulate_strategy(
        self, strategy: dict[str, Any], client_id: str, lookback_days: int = 90
    ) -> dict[str, Any]:
        baseline = await self.syncvalue_client.get_baseline(
            client_id=client_id, lookback_days=lookback_days
        )
        simulations = []
        for _ in range(10_000):
            sim_result = await self._run_single_simulation(
                strategy=strategy,
                baseline=baseline,
                variance_factor=np.random.normal(1.0, 0.15),  # the seed's own
            )
            simulations.append(sim_result)
        positive_outcomes = [s for s in simulations if s["net_profit_uplift"] > 0]
        confidence_score = len(positive_outcomes) / len(simulations)
        if positive_outcomes:
            projected_uplift = np.median([s["net_profit_uplift"] for s in positive_outcomes])
        else:
            projected_uplift = np.median([s["net_profit_uplift"] for s in simulations])
        risk_profile = self._calculate_risk_profile(confidence_score, projected_uplift)
        return {
            "confidence_score": round(confidence_score, 3),
            "risk_profile": risk_profile,
            "projected_net_profit_uplift": round(projected_uplift, 2),
            "simulation_details": {
                "total_simulations": len(simulations),
                "positive_outcomes": len(positive_outcomes),
                "median_uplift": round(projected_uplift, 2),
                "p10_uplift": round(
                    np.percentile([s["net_profit_uplift"] for s in simulations], 10), 2
                ),
                "p90_uplift": round(
                    np.percentile([s["net_profit_uplift"] for s in simulations], 90), 2
                ),
            },
        }

    async def _run_single_simulation(
        self, strategy: dict[str, Any], baseline: dict[str, Any], variance_factor: float
    ) -> dict[str, Any]:
        estimated_conversions = strategy["audience_size"] * strategy["cvr"] * variance_factor
        revenue_new = estimated_conversions * baseline["avg_order_value"]
        revenue_baseline = baseline["monthly_revenue"]
        ad_spend_new = strategy["daily_budget"] * 30 * variance_factor
        ad_spend_baseline = baseline["monthly_ad_spend"]
        net_profit_uplift = (revenue_new - revenue_baseline) - (ad_spend_new - ad_spend_baseline)
        return {
            "revenue_new": revenue_new,
            "revenue_baseline": revenue_baseline,
            "ad_spend_new": ad_spend_new,
            "ad_spend_baseline": ad_spend_baseline,
            "net_profit_uplift": net_profit_uplift,
            "variance_factor": variance_factor,
        }

    def _calculate_risk_profile(self, confidence_score: float, projected_uplift: float) -> str:
        if confidence_score > 0.90 and projected_uplift > 10_000:
            return "LOW"
        if confidence_score > 0.85 and projected_uplift > 5_000:
            return "MEDIUM"
        if confidence_score > 0.70:
            return "HIGH"
        return "CRITICAL"
