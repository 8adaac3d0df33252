"""SyncTwin's gate and SyncValue's numbers through the HTTP API."""

from __future__ import annotations

import json

import pytest

from kiki.synctwin.domain.inputs import Baseline
from tests.unit.api.conftest import Service

STRATEGY = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 500}
LOSING = {"audience_size": 1_000, "cvr": 0.001, "daily_budget": 5_000}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 50_000, "monthly_ad_spend": 10_000}


def test_a_simulation_replays_exactly_with_its_seed(service: Service) -> None:
    body = {"strategy": STRATEGY, "baseline": BASELINE, "seed": 7}
    first = service.http.post(
        "/v1/clients/acme-shop/simulations", json=body, headers=service.auth()
    )
    again = service.http.post(
        "/v1/clients/acme-shop/simulations", json=body, headers=service.auth()
    )
    assert first.status_code == 200
    assert first.json() == again.json()
    assert first.json()["seed"] == 7
    assert first.json()["simulation_details"]["total_simulations"] == 10_000
    assert service.services.ports.metrics.value("synctwin_simulations_total") == 20_000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"strategy": {**STRATEGY, "cvr": float("nan")}}, "strategy.cvr"),
        ({"strategy": {**STRATEGY, "daily_budget": "1e13"}}, "strategy.daily_budget"),
        ({"strategy": {**STRATEGY, "daily_budget": -5}}, "strategy.daily_budget"),
        ({"strategy": {**STRATEGY, "platform": "myspace"}}, "strategy.platform"),
        ({"strategy": STRATEGY, "baseline": {**BASELINE, "monthly_revenue": "inf"}}, None),
        ({"strategy": STRATEGY, "seed": -1}, "seed"),
        ({"strategy": STRATEGY, "colour": 1}, "colour"),
    ],
)
def test_bad_simulation_input_is_refused_naming_the_field(
    service: Service, body: dict[str, object], field: str | None
) -> None:
    r = service.http.post(
        "/v1/clients/acme-shop/simulations",
        content=json.dumps(
            body
        ).encode(),  # json.dumps writes NaN as NaN, as a careless client does
        headers={**service.auth(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == (field or "baseline.monthly_revenue")


def test_a_launch_is_idempotent_and_a_rejection_is_an_answer(service: Service) -> None:
    service.services.ports.baselines.put(
        "acme-shop", Baseline.from_dict(BASELINE), at=service.clock.now()
    )
    headers = {**service.auth(), "Idempotency-Key": "launch-1"}
    first = service.http.post(
        "/v1/clients/acme-shop/launches", json={"strategy": STRATEGY}, headers=headers
    )
    again = service.http.post(
        "/v1/clients/acme-shop/launches", json={"strategy": STRATEGY}, headers=headers
    )
    assert first.json()["approved"] is True
    assert again.json() == first.json()
    approvals = service.services.ports.audit.entries(
        client_id="acme-shop", event_type="CAMPAIGN_APPROVED"
    )
    assert len(approvals) == 1

    rejected = service.http.post(
        "/v1/clients/acme-shop/launches",
        json={"strategy": LOSING},
        headers={**service.auth(), "Idempotency-Key": "launch-2"},
    )
    assert rejected.status_code == 200
    assert rejected.json()["approved"] is False
    assert rejected.json()["campaign_id"] is None
    assert rejected.json()["message"].startswith(
        "SyncTwin simulation rejected this campaign. ConfidenceScore: "
    )


def test_a_launch_without_a_baseline_is_refused(service: Service) -> None:
    r = service.http.post(
        "/v1/clients/acme-shop/launches",
        json={"strategy": STRATEGY},
        headers={**service.auth(), "Idempotency-Key": "launch-3"},
    )
    assert r.status_code == 409
    assert r.json()["error"] == "no_baseline"


def test_ltv_and_baseline_answer_syncvalues_shapes(service: Service) -> None:
    ltv = service.http.get(
        "/v1/clients/acme-shop/ltv",
        params={"platform": "meta", "lookback_days": 30, "as_of": "2026-02-01T00:00:00"},
        headers=service.auth(),
    )
    assert ltv.status_code == 200
    assert ltv.json()["lookback_days"] == 30
    assert ltv.json()["as_of"] == "2026-02-01T00:00:00+00:00"
    assert [p["platform"] for p in ltv.json()["platforms"]] == ["PLATFORM_META"]
    baseline = service.http.get("/v1/clients/acme-shop/baseline", headers=service.auth())
    assert baseline.status_code == 200
    assert set(baseline.json()) == {
        "as_of",
        "lookback_days",
        "monthly_revenue",
        "monthly_ad_spend",
        "avg_order_value",
        "orders",
        "baseline_churn",
    }
    bad = service.http.get(
        "/v1/clients/acme-shop/ltv", params={"lookback_days": 0}, headers=service.auth()
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "lookback_days"
