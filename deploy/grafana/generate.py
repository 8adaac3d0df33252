"""Generate KIKI's Grafana dashboards with grafanalib: ``python deploy/grafana/generate.py``.

Writes deploy/grafana/dashboards/*.json; a test checks the committed JSON is what this makes,
that every panel query parses as PromQL and names only metrics the service exports.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grafanalib import core as g
from grafanalib._gen import DashboardEncoder

OUT = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = "Prometheus"


def _ts(title: str, exprs: list[tuple[str, str]], unit: str = "", w: int = 12) -> g.TimeSeries:
    return g.TimeSeries(
        title=title,
        dataSource=DATASOURCE,
        targets=[
            g.Target(expr=e, legendFormat=legend, refId=chr(65 + i))
            for i, (e, legend) in enumerate(exprs)
        ],
        unit=unit,
        gridPos=g.GridPos(h=8, w=w, x=0, y=0),
    )


def _stat(title: str, expr: str, unit: str = "") -> g.Stat:
    return g.Stat(
        title=title,
        dataSource=DATASOURCE,
        targets=[g.Target(expr=expr, refId="A")],
        format=unit or "none",
        gridPos=g.GridPos(h=4, w=6, x=0, y=0),
    )


def _layout(panels: list[g.Panel]) -> list[g.Panel]:
    """Left to right, top to bottom, on Grafana's 24-column grid."""
    x = y = row_h = 0
    for panel in panels:
        pos = panel.gridPos
        if x + pos.w > 24:
            x, y, row_h = 0, y + row_h, 0
        panel.gridPos = g.GridPos(h=pos.h, w=pos.w, x=x, y=y)
        x, row_h = x + pos.w, max(row_h, pos.h)
    return panels


def budget_optimizer() -> g.Dashboard:
    """The seed's eight panels: efficiency over time, shifts, cross-platform comparison, ..."""
    panels: list[g.Panel] = [
        _stat("Average efficiency (LTV/CAC)", "avg(syncflow_platform_efficiency)"),
        _stat("Best platform efficiency", "max(syncflow_platform_efficiency)"),
        _stat("Budget shifts (24 h)", "sum(increase(syncflow_budget_shifts_total[24h]))"),
        _stat("Platform API errors (1 h)", "sum(increase(syncflow_platform_api_errors_total[1h]))"),
        _ts(
            "Efficiency per platform over time",
            [("syncflow_platform_efficiency", "{{platform}}")],
        ),
        _ts(
            "Budget shifts by route",
            [
                (
                    "sum by (from_platform, to_platform) "
                    "(increase(syncflow_budget_shifts_total[1h]))",
                    "{{from_platform}} -> {{to_platform}}",
                )
            ],
        ),
        g.BarGauge(
            title="Cross-platform comparison (LTV/CAC)",
            dataSource=DATASOURCE,
            targets=[
                g.Target(
                    expr="syncflow_platform_efficiency", legendFormat="{{platform}}", refId="A"
                )
            ],
            gridPos=g.GridPos(h=8, w=12, x=0, y=0),
        ),
        _ts(
            "Optimisation cycle duration",
            _p50_p99("syncflow_cycle_duration_seconds"),
            unit="s",
        ),
    ]
    return g.Dashboard(
        title="KIKI budget optimizer",
        uid="kiki-budget-optimizer",
        tags=["kiki", "syncflow"],
        timezone="utc",
        refresh="1m",
        panels=_layout(panels),
    ).auto_panel_ids()


def _p50_p99(histogram: str) -> list[tuple[str, str]]:
    """Median and 99th percentile of a latency histogram over the last 5 minutes."""
    return [
        (f"histogram_quantile({q}, sum by (le) (rate({histogram}_bucket[5m])))", label)
        for q, label in (("0.5", "p50"), ("0.99", "p99"))
    ]


def synctwin() -> g.Dashboard:
    panels: list[g.Panel] = [
        _stat(
            "Approval rate (24 h)",
            'sum(increase(synctwin_gate_decisions_total{outcome="approved"}[24h])) '
            "/ sum(increase(synctwin_gate_decisions_total[24h]))",
            unit="percentunit",
        ),
        _stat("Gate decisions (24 h)", "sum(increase(synctwin_gate_decisions_total[24h]))"),
        _stat("Scenarios simulated per second", "sum(rate(synctwin_simulations_total[5m]))"),
        _stat("Platforms left out (1 h)", "sum(increase(syncflow_platforms_left_out_total[1h]))"),
        _ts(
            "Gate decisions by outcome",
            [("sum by (outcome) (increase(synctwin_gate_decisions_total[1h]))", "{{outcome}}")],
        ),
        _ts(
            "Simulation latency",
            _p50_p99("synctwin_simulation_duration_seconds"),
            unit="s",
        ),
        _stat(
            "Chaos test pass rate (24 h)",
            'sum(increase(synctwin_chaos_tests_total{result="passed"}[24h])) '
            "/ (sum(increase(synctwin_chaos_tests_total[24h])) > 0)",
            unit="percentunit",
        ),
        _stat(
            "Chaos tests failed (24 h)",
            'sum(increase(synctwin_chaos_tests_total{result="failed"}[24h]))',
        ),
        _ts(
            "Chaos tests by test and result",
            [
                (
                    "sum by (test, result) (increase(synctwin_chaos_tests_total[24h]))",
                    "{{test}} {{result}}",
                )
            ],
        ),
        _ts(
            "MarginGuardian actions by rule",
            [("sum by (rule) (increase(syncflow_guardian_actions_total[1h]))", "{{rule}}")],
        ),
        *_gate_learning(),
    ]
    return g.Dashboard(
        title="KIKI SyncTwin gate",
        uid="kiki-synctwin",
        tags=["kiki", "synctwin"],
        timezone="utc",
        refresh="1m",
        panels=_layout(panels),
    ).auto_panel_ids()


def _gate_learning() -> list[g.Panel]:
    """The weekly review's gauges: the fleet's FN and FP rates over the trailing window, red
    from the seed's targets (5 %, 10 %), and the calibration error of the gate's confidence.
    A gauge is NaN while there is nothing to judge; ``>= 0`` drops it, so the panel says "No
    data" rather than NaN."""

    def rate(title: str, expr: str, target: float) -> g.Stat:
        return g.Stat(
            title=title,
            dataSource=DATASOURCE,
            targets=[g.Target(expr=expr, refId="A")],
            format="percentunit",
            decimals=1,
            reduceCalc="lastNotNull",
            thresholds=[g.Threshold("green", 0, 0.0), g.Threshold("red", 1, target)],
            gridPos=g.GridPos(h=4, w=6, x=0, y=0),
        )

    fn = "synctwin_gate_false_negative_rate"
    fp = "synctwin_gate_false_positive_rate"
    ece = "synctwin_gate_calibration_error"
    return [
        rate("False-negative rate (review window)", f"{fn} >= 0", 0.05),
        rate("False-positive rate (review window)", f"{fp} >= 0", 0.10),
        _stat("Calibration error (ECE)", f"{ece} >= 0"),
        _stat("Outcomes in the review window", "synctwin_gate_review_outcomes"),
        _ts(
            "Gate error rates and calibration error (weekly review)",
            [
                (f"{fn} >= 0", "false-negative rate"),
                (f"{fp} >= 0", "false-positive rate"),
                (f"{ece} >= 0", "calibration error (ECE)"),
            ],
            unit="percentunit",
            w=24,
        ),
    ]


DASHBOARDS = {
    "kiki-budget-optimizer-dashboard.json": budget_optimizer,
    "kiki-synctwin-dashboard.json": synctwin,
}


def render(build: object) -> str:
    assert callable(build)
    return json.dumps(build().to_json_data(), cls=DashboardEncoder, indent=2, sort_keys=True) + "\n"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in DASHBOARDS.items():
        (OUT / name).write_text(render(build))
        sys.stdout.write(f"wrote {OUT / name}\n")


if __name__ == "__main__":
    main()
