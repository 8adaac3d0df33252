"""Every API endpoint: authentication required, and another tenant's client is not found."""

from __future__ import annotations

from typing import Any

import pytest

from kiki.core.platform import Platform
from kiki.synctwin.domain.inputs import Baseline
from tests.unit.api.conftest import Service

STRATEGY = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 500}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 50_000, "monthly_ad_spend": 10_000}

# (method, path with {client}, JSON body or None); every endpoint that names a client.
CLIENT_ENDPOINTS: list[tuple[str, str, Any]] = [
    ("GET", "/budget-efficiency?client_id={client}", None),
    ("POST", "/v1/clients/{client}/cycles", {"dry_run": True}),
    ("POST", "/v1/clients/{client}/cycles", {"dry_run": False}),
    ("GET", "/v1/clients/{client}/reallocations", None),
    ("GET", "/v1/clients/{client}/settings", None),
    ("PATCH", "/v1/clients/{client}/settings", {"efficiency_threshold": 0.5}),
    ("POST", "/v1/clients/{client}/simulations", {"strategy": STRATEGY, "baseline": BASELINE}),
    ("POST", "/v1/clients/{client}/launches", {"strategy": STRATEGY}),
    ("GET", "/v1/clients/{client}/ltv", None),
    ("GET", "/v1/clients/{client}/baseline", None),
    ("GET", "/v1/clients/{client}/gate/calibration", None),
    ("GET", "/v1/clients/{client}/gate/tuning", None),
    ("GET", "/v1/clients/{client}/gate/review?since=7d", None),
    ("POST", "/v1/clients/{client}/gate/thresholds", None),
]
OTHER_ENDPOINTS: list[tuple[str, str, Any]] = [
    ("GET", "/v1/clients", None),
    ("POST", "/v1/clients", {"client_id": "new-one"}),
]


def call(service: Service, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    return service.http.request(
        method,
        path,
        json=body,
        headers={**headers, "Idempotency-Key": f"{method}:{path}:{body}".replace(" ", "")},
    )


@pytest.mark.parametrize(("method", "path", "body"), CLIENT_ENDPOINTS + OTHER_ENDPOINTS)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer kiki_not-a-key", "Basic YWNtZTp4", "Bearer ", "revoked"],
)
def test_every_endpoint_refuses_a_missing_wrong_or_revoked_key(
    service: Service, method: str, path: str, body: Any, authorization: str | None
) -> None:
    if authorization == "revoked":
        authorization = f"Bearer {service.acme_key}"
        service.services.ports.tenants.revoke("acme", key_id=None, now=service.clock.now())
    headers = {"Authorization": authorization} if authorization else {}
    r = call(service, method, path.format(client="acme-shop"), body, headers)
    assert r.status_code == 401
    assert r.json()["error"] == "unauthenticated"
    assert r.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "body"), CLIENT_ENDPOINTS)
def test_another_tenants_client_answers_exactly_like_a_missing_one(
    service: Service, method: str, path: str, body: Any
) -> None:
    service.services.ports.baselines.put(
        "globex-shop", Baseline.from_dict(BASELINE), at=service.clock.now()
    )
    service.sandbox.shock("globex-shop", Platform.META, cpm_factor=1.4)
    service.clock.advance(6 * 3600)
    budgets = service.budgets("globex-shop")
    settings = service.services.ports.configs.get("globex-shop")

    theirs = call(service, method, path.format(client="globex-shop"), body, service.auth())
    nobody = call(service, method, path.format(client="nobody-shop"), body, service.auth())

    assert theirs.status_code == nobody.status_code == 404
    assert theirs.json() == {"error": "not_found", "message": "client 'globex-shop' not found"}
    assert nobody.json() == {"error": "not_found", "message": "client 'nobody-shop' not found"}
    assert service.budgets("globex-shop") == budgets
    assert service.services.ports.configs.get("globex-shop") == settings
    assert service.services.ports.ledger.transfers(client_id="globex-shop") == []
    # ... while globex itself reaches it.
    own = call(
        service, method, path.format(client="globex-shop"), body, service.auth(service.globex_key)
    )
    assert own.status_code == 200
