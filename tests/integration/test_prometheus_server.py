"""A real Prometheus server scrapes a running ``kiki serve``; every Grafana panel query runs on it.

The service runs its scheduler every second for one sandbox client whose Meta CPMs are tripled.
The client starts with an efficiency threshold nothing falls below, so Prometheus scrapes every
series at 0 first; through the HTTP API the test then lowers the threshold (the first shift,
Meta to TikTok), allows a second shift, and launches campaigns in two rounds, each seen by a
scrape, so every counter grows between scrapes. Then every panel query of every dashboard in
deploy/grafana/ must evaluate, and every one over events this run causes must return series
with finite values. Needs Debian's ``prometheus`` package: outside CI a missing server skips,
under CI=true it fails.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiki.bootstrap import build
from kiki.settings import Settings
from tests.conftest import unavailable
from tests.e2e.service import environment, kiki, running_service
from tests.integration.prometheus_process import (
    RunningPrometheus,
    prometheus_binary,
    running_prometheus,
)
from tests.unit.api.test_dashboards import GRAFANA, panel_queries

SETTINGS = {"KIKI_CHECK_INTERVAL_S": "1"}  # the scheduler runs a cycle every second
SHIFT_RANGE = "24h"  # the range of the "Budget shifts (24 h)" panel
APPROVED = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 500}
REJECTED = {"audience_size": 1_000, "cvr": 0.001, "daily_budget": 5_000}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 50_000, "monthly_ad_spend": 10_000}
# Panels over events this run does not cause (no platform API fails, none lacks data, no
# outcome is imported for the gate to learn from): their queries must evaluate, and may answer
# no series.
MAY_BE_EMPTY = {
    "Platform API errors (1 h)",
    "Platforms left out (1 h)",
    "False-negative rate (review window)",
    "False-positive rate (review window)",
    "Calibration error (ECE)",
    "Gate error rates and calibration error (weekly review)",
}
MAY_BE_EMPTY |= {"Chaos test pass rate (24 h)"}  # no chaos run in the last day: no rate
# Grafana's built-in variables, as Grafana would fill them for a 1 s scrape interval.
BUILT_INS = {
    "__interval": "15s",
    "__interval_ms": "15000",
    "__rate_interval": "1m",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
}
_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)")

Query = tuple[str, str, str]  # dashboard file, panel title, PromQL as Grafana sends it


def dashboard_variables(board: str) -> dict[str, str]:
    """A dashboard's template variables at their current value ("$__all" -> ".+")."""
    dashboard = json.loads((GRAFANA / "dashboards" / board).read_text())
    found: dict[str, str] = {}
    for variable in dashboard.get("templating", {}).get("list", []):
        value = variable.get("current", {}).get("value", ".+")
        if isinstance(value, list):
            value = "|".join(value)
        found[variable["name"]] = ".+" if value in ("$__all", "") else str(value)
    return found


def concrete(board: str, expr: str) -> str:
    """The query with every Grafana variable replaced by a value Prometheus understands."""
    values = {**BUILT_INS, **dashboard_variables(board)}

    def fill(match: re.Match[str]) -> str:
        name = next(g for g in match.groups() if g)
        return values.get(name, match[0])

    filled = _VARIABLE.sub(fill, expr)
    assert "$" not in filled, f"{board}: an unknown Grafana variable in {expr!r}"
    return filled


@dataclass
class Run:
    """The Prometheus server after the drive, and what it answered along the way."""

    prometheus: RunningPrometheus
    first_shift_on_the_panel: list[float]


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    binary = prometheus_binary()
    if binary is None:
        unavailable(
            "A Prometheus server (Debian package prometheus, /usr/bin/prometheus)",
            FileNotFoundError("no prometheus executable"),
        )
        return  # pragma: no cover  # unavailable() skips or fails
    with tempfile.TemporaryDirectory(prefix="kiki-serve-") as data:
        yield from serve_and_scrape(binary, Path(data))


def serve_and_scrape(binary: str, tmp: Path) -> Iterator[Run]:
    """A tenant, its shocked sandbox client and baseline; ``kiki serve``; Prometheus on it."""
    env = environment(tmp / "data", **SETTINGS)
    api_key = json.loads(kiki(env, tmp, "tenants", "create", "acme", "--json"))["api_key"]
    kiki(env, tmp, "tenants", "add-client", "acme", "acme-shop", "--sandbox")
    kiki(env, tmp, "sandbox", "shock", "acme-shop", "meta", "--cpm", "3")
    baseline = tmp / "baseline.json"
    baseline.write_text(json.dumps(BASELINE))
    kiki(env, tmp, "twin", "baseline", "--client", "acme-shop", "--baseline", str(baseline))
    hold_shifts(tmp / "data", "acme-shop")
    with running_service(tmp, {}, **SETTINGS) as service:
        try:
            target = service.http_url.removeprefix("http://")
            with running_prometheus(binary, target) as server:
                headers = {"Authorization": f"Bearer {api_key}"}
                with httpx.Client(base_url=service.http_url, headers=headers, timeout=60) as http:
                    yield drive(server, http)
        finally:
            with contextlib.suppress(subprocess.TimeoutExpired):  # running_service kills it
                service.stop()


def hold_shifts(data_dir: Path, client_id: str) -> None:
    """A threshold of 99 %: nothing falls below 1 % of the average, so no shift happens yet."""
    services = build(Settings(data_dir=data_dir), quiet=True)
    try:
        services.change_settings(client_id, {"efficiency_threshold": 0.99})
    finally:
        services.close()


def drive(server: RunningPrometheus, http: httpx.Client) -> Run:
    """Scrapes of every series at 0; then two shifts and two rounds of launches, each seen by
    a scrape.

    Lowering the threshold to the seed's 15 % lets the next cycle shift Meta's budget once; the
    default cooldown and the 20 % window cap then hold it, until allowing 50 % without cooldown
    lets a later cycle shift again.
    """
    server.wait_until("the kiki target to be up", lambda: server.target_health() == "up")
    server.wait_until(
        "three scrapes of the cycle histogram",
        lambda: (
            server.values("count_over_time(syncflow_cycle_duration_seconds_count[5m])") >= [3.0]
        ),
    )
    assert server.values("sum(syncflow_budget_shifts_total)") == [0.0]
    r = http.patch(
        "/v1/clients/acme-shop/settings",
        json={"efficiency_threshold": 0.15},
        headers={"Idempotency-Key": "settings-0"},
    )
    assert r.status_code == 200, r.text
    server.wait_until(
        "a scrape of the first shift and of the simulations counter at zero",
        lambda: (
            server.values("sum(syncflow_budget_shifts_total)") == [1.0]
            and server.values("synctwin_simulations_total") == [0.0]
        ),
    )
    first_shift = server.values(f"sum(increase(syncflow_budget_shifts_total[{SHIFT_RANGE}]))")
    r = http.patch(
        "/v1/clients/acme-shop/settings",
        json={"reallocation_percent": 0.5, "cooldown_s": 0},
        headers={"Idempotency-Key": "settings-1"},
    )
    assert r.status_code == 200, r.text
    for round_ in (1, 2):
        for outcome, strategy in (("approved", APPROVED), ("rejected", REJECTED)):
            r = http.post(
                "/v1/clients/acme-shop/launches",
                json={"strategy": strategy},
                headers={"Idempotency-Key": f"launch-{outcome}-{round_}"},
            )
            assert r.status_code == 200, r.text
            assert r.json()["approved"] is (outcome == "approved")
        r = http.post("/v1/clients/acme-shop/simulations", json={"strategy": APPROVED})
        assert r.status_code == 200, r.text
        server.wait_for_values("sum(synctwin_gate_decisions_total)", [2.0 * round_])
    server.wait_until(
        "a scrape of the second shift",
        lambda: server.values("sum(syncflow_budget_shifts_total)") >= [2.0],
    )
    return Run(server, first_shift)


@pytest.fixture(scope="module")
def answers(run: Run) -> dict[Query, dict[str, Any]]:
    """Every panel query of every dashboard, run once at now."""
    return {
        (board, title, expr): run.prometheus.query(concrete(board, expr))
        for board, title, expr in panel_queries()
    }


def test_every_panel_query_evaluates_and_those_over_this_runs_events_return_data(
    answers: dict[Query, dict[str, Any]],
) -> None:
    assert len(answers) == len(panel_queries()) > 0
    failures = []
    for (board, title, expr), answer in answers.items():
        where = f"{board} / {title}: {expr}"
        if answer["status"] != "success":
            failures.append(f"{where}: {answer.get('errorType')}: {answer.get('error')}")
            continue
        values = [float(s["value"][1]) for s in answer["data"]["result"]]
        if not values and title not in MAY_BE_EMPTY:
            failures.append(f"{where}: no series")
        elif not all(math.isfinite(v) for v in values):
            failures.append(f"{where}: {values}")
    assert not failures, "\n".join(failures)


def by_title(answers: dict[Query, dict[str, Any]], title: str) -> list[dict[str, Any]]:
    """The series of a panel's (first) query: [{"metric": {...}, "value": [t, "v"]}, ...]."""
    found = [a for (_, t, _), a in answers.items() if t == title]
    assert found, title
    result: list[dict[str, Any]] = found[0]["data"]["result"]
    return result


def value(series: dict[str, Any]) -> float:
    return float(series["value"][1])


def test_the_panels_show_what_the_service_did(answers: dict[Query, dict[str, Any]]) -> None:
    efficiency = {
        s["metric"]["platform"]: value(s)
        for s in by_title(answers, "Efficiency per platform over time")
    }
    assert len(efficiency) == 6
    assert min(efficiency, key=efficiency.__getitem__) == "PLATFORM_META"
    assert max(efficiency, key=efficiency.__getitem__) == "PLATFORM_TIKTOK"
    # CPMs x3 from seconds after the accounts opened: Meta's trailing CAC is mostly shocked
    # (3.0x unshocked, 1.0x fully shocked), the seconds before the shock count too.
    assert 1.0 <= efficiency["PLATFORM_META"] < 1.5
    assert efficiency["PLATFORM_TIKTOK"] == pytest.approx(4.0, rel=0.01)
    [best] = by_title(answers, "Best platform efficiency")
    assert value(best) == efficiency["PLATFORM_TIKTOK"]

    routes = by_title(answers, "Budget shifts by route")
    assert len(routes) == 30  # every route is exported, at 0 until it is used
    assert {s["metric"]["from_platform"] for s in routes if value(s) > 0} == {"PLATFORM_META"}
    assert sum(value(s) for s in routes) > 0
    [shifts] = by_title(answers, "Budget shifts (24 h)")
    assert value(shifts) > 0

    [rate] = by_title(answers, "Scenarios simulated per second")
    assert value(rate) > 0
    [approval] = by_title(answers, "Approval rate (24 h)")
    assert value(approval) == pytest.approx(0.5)
    decisions = {
        s["metric"]["outcome"]: value(s) for s in by_title(answers, "Gate decisions by outcome")
    }
    assert set(decisions) == {"approved", "rejected"}
    assert decisions["approved"] == pytest.approx(decisions["rejected"])


def test_the_first_shift_shows_on_the_budget_shift_panel(run: Run) -> None:
    assert run.first_shift_on_the_panel == [pytest.approx(1.0, rel=0.2)]
