"""The HTTP API on the embedded default: the seed's shape, settings, cycles, idempotency."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from kiki.application.services import Services
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.syncvalue.domain.records import RecordKind
from tests.unit.api.conftest import Service


def spike_meta(service: Service, client: str = "acme-shop") -> None:
    """Meta's CPM +40 % for six hours: its CAC goes 150 -> 210, 2.14x against a 3.06x mean."""
    service.sandbox.shock(client, Platform.META, cpm_factor=1.4)
    service.clock.advance(6 * 3600)


def test_budget_efficiency_has_the_seeds_shape_and_figures(service: Service) -> None:
    r = service.http.get(
        "/budget-efficiency", params={"client_id": "acme-shop"}, headers=service.auth()
    )
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {
        "timestamp",
        "average_efficiency",
        "best_platform",
        "best_efficiency",
        "platform_details",
        "read_at",
        "age_s",
        "left_out_reasons",
        "left_out_note",
    }
    assert (body["left_out_reasons"], body["left_out_note"]) == ({}, None)
    assert body["timestamp"] == int(service.clock.now().timestamp())
    assert (body["read_at"], body["age_s"]) == (service.clock.now().isoformat(), 0.0)
    assert body["best_platform"] == "PLATFORM_TIKTOK"
    assert body["best_efficiency"] == pytest.approx(4.0)
    assert body["average_efficiency"] == pytest.approx(3.2)
    meta = body["platform_details"][0]
    assert meta == {
        "platform": "PLATFORM_META",
        "ltv": 450.0,
        "cac": 150.0,
        "efficiency": pytest.approx(3.0),
        "daily_budget": 500.0,
    }
    assert [d["platform"] for d in body["platform_details"]] == [p.value for p in Platform]


def test_budget_efficiency_serves_the_latest_reading_without_calling_the_platforms(
    service: Service,
) -> None:
    def get(**params: object) -> dict[str, object]:
        r = service.http.get(
            "/budget-efficiency",
            params={"client_id": "acme-shop", **params},
            headers=service.auth(),
        )
        assert r.status_code == 200
        return r.json()  # type: ignore[no-any-return]

    first = get()  # never read yet: read once, and recorded
    service.clock.advance(120)
    service.faults.fail(Platform.META, "read")  # a platform read now would fail
    again = get()
    assert again["platform_details"] == first["platform_details"]
    assert (again["read_at"], again["age_s"]) == (first["read_at"], 120.0)
    fresh = get(refresh="true")
    assert fresh["age_s"] == 0.0
    assert "PLATFORM_META" not in [d["platform"] for d in fresh["platform_details"]]
    assert fresh["left_out_reasons"] == {"PLATFORM_META": "api_failed"}
    service.faults.heal()
    assert get()["read_at"] == fresh["read_at"]  # the refreshed reading is the latest now


def test_applying_a_cycle_shifts_budget_and_a_retry_moves_nothing_twice(service: Service) -> None:
    spike_meta(service)
    headers = {**service.auth(), "Idempotency-Key": "cycle-1"}
    first = service.http.post("/v1/clients/acme-shop/cycles", json={}, headers=headers)
    assert first.status_code == 200
    assert [(o["from"], o["to"], o["amount"], o["result"]) for o in first.json()["outcomes"]] == [
        ("PLATFORM_META", "PLATFORM_TIKTOK", 100.0, "APPLIED")
    ]
    transfers = len(service.services.ports.ledger.transfers(client_id="acme-shop"))
    again = service.http.post("/v1/clients/acme-shop/cycles", json={}, headers=headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(service.services.ports.ledger.transfers(client_id="acme-shop")) == transfers
    assert service.budgets("acme-shop")[Platform.META].to_units() == 400.0

    listed = service.http.get("/v1/clients/acme-shop/reallocations", headers=service.auth())
    [shift] = listed.json()["reallocations"]
    assert (shift["from"], shift["to"], shift["amount_micros"], shift["status"]) == (
        "PLATFORM_META",
        "PLATFORM_TIKTOK",
        100_000_000,
        "APPLIED",
    )
    assert shift["reason"] == "Efficiency drop: 2.14x vs 3.06x avg"


def test_a_dry_run_plans_the_shift_and_moves_no_money(service: Service) -> None:
    spike_meta(service)
    r = service.http.post(
        "/v1/clients/acme-shop/cycles", json={"dry_run": True}, headers=service.auth()
    )
    assert r.json()["status"] == "DRY_RUN"
    assert r.json()["shifts"][0]["amount_micros"] == 100_000_000
    assert service.services.ports.ledger.transfers(client_id="acme-shop") == []


def test_applying_a_cycle_requires_an_idempotency_key(service: Service) -> None:
    r = service.http.post("/v1/clients/acme-shop/cycles", json={}, headers=service.auth())
    assert r.status_code == 422
    assert r.json()["field"] == "Idempotency-Key"


def test_the_same_key_with_a_different_request_is_refused(service: Service) -> None:
    headers = {**service.auth(), "Idempotency-Key": "k"}
    ok = service.http.patch(
        "/v1/clients/acme-shop/settings", json={"efficiency_threshold": 0.2}, headers=headers
    )
    assert ok.status_code == 200
    refused = service.http.patch(
        "/v1/clients/acme-shop/settings", json={"efficiency_threshold": 0.3}, headers=headers
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "idempotency_key_reused"
    assert service.services.ports.configs.get("acme-shop").efficiency_threshold == 0.2


def test_settings_are_read_and_changed(service: Service) -> None:
    r = service.http.patch(
        "/v1/clients/acme-shop/settings",
        json={
            "reallocation_percent": 0.1,
            "deny": ["linkedin"],
            "limits": {"meta": {"floor": 250, "ceiling": "900.5"}},
        },
        headers={**service.auth(), "Idempotency-Key": "s1"},
    )
    assert r.status_code == 200
    read = service.http.get("/v1/clients/acme-shop/settings", headers=service.auth()).json()
    assert read == r.json()
    assert read["reallocation_percent"] == 0.1
    assert read["efficiency_threshold"] == 0.15
    assert read["deny"] == ["PLATFORM_LINKEDIN"]
    assert read["limits"] == {"PLATFORM_META": {"floor": 250.0, "ceiling": 900.5}}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"efficiency_threshold": NaN}', "efficiency_threshold"),
        (b'{"reallocation_percent": Infinity}', "reallocation_percent"),
        (b'{"reallocation_percent": 1.5}', "reallocation_percent"),
        (b'{"limits": {"meta": {"floor": -1}}}', "limits.PLATFORM_META.floor"),
        (b'{"limits": {"meta": {"ceiling": 1e15}}}', "limits.PLATFORM_META.ceiling"),
        (b'{"limits": {"meta": {"ceiling": "0.0000001"}}}', "limits.PLATFORM_META.ceiling"),
        (b'{"limits": {"myspace": {"floor": 1}}}', "limits"),
        (b'{"deny": ["myspace"]}', "deny[0]"),
        (b'{"colour": "red"}', "colour"),
        (b"[1, 2]", "body"),
    ],
)
def test_bad_settings_are_refused_naming_the_field_and_change_nothing(
    service: Service, raw: bytes, field: str
) -> None:
    before = service.services.ports.configs.get("acme-shop")
    r = service.http.patch(
        "/v1/clients/acme-shop/settings",
        content=raw,
        headers={**service.auth(), "Idempotency-Key": "bad", "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert r.json()["message"].startswith(f"{field}: ")
    assert service.services.ports.configs.get("acme-shop") == before
    # The refused request did not use up its key.
    ok = service.http.patch(
        "/v1/clients/acme-shop/settings",
        json={"cooldown_s": 60},
        headers={**service.auth(), "Idempotency-Key": "bad"},
    )
    assert ok.status_code == 200


def test_an_oversized_body_is_refused_before_it_is_read(service: Service) -> None:
    big = b'{"deny": [' + b'"meta",' * 20_000 + b'"meta"]}'
    r = service.http.patch(
        "/v1/clients/acme-shop/settings",
        content=big,
        headers={**service.auth(), "Idempotency-Key": "big", "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["field"] == "body"
    assert service.services.ports.configs.get("acme-shop").deny == frozenset()


def test_a_tenant_opens_a_sandbox_client_once(service: Service) -> None:
    headers = {**service.auth(), "Idempotency-Key": "open-1"}
    first = service.http.post("/v1/clients", json={"client_id": "acme-two"}, headers=headers)
    assert first.status_code == 201
    assert first.json()["platforms"] == [p.value for p in Platform]
    again = service.http.post("/v1/clients", json={"client_id": "acme-two"}, headers=headers)
    assert again.json() == first.json()
    listed = service.http.get("/v1/clients", headers=service.auth()).json()
    assert listed["clients"] == ["acme-shop", "acme-two"]
    assert [state["client_id"] for state in listed["states"]] == ["acme-shop", "acme-two"]
    taken = service.http.post(
        "/v1/clients",
        json={"client_id": "acme-two"},
        headers={**service.auth(service.globex_key), "Idempotency-Key": "open-2"},
    )
    # issue #14: another tenant's client id is the operator's to attach, answered as one with data
    assert (taken.status_code, taken.json()["error"]) == (403, "operator_required")


def test_health_readiness_metrics_and_openapi(service: Service) -> None:
    assert service.http.get("/healthz").json() == {"status": "serving"}
    assert service.http.get("/readyz").json() == {
        "serving": True,
        "database": True,
        "scheduler": True,
        "ready": True,
    }
    service.http.get(
        "/budget-efficiency", params={"client_id": "acme-shop"}, headers=service.auth()
    )
    metrics = service.http.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'syncflow_platform_efficiency{platform="PLATFORM_TIKTOK"} 4.0' in metrics.text
    paths = service.http.get("/openapi.json").json()["paths"]
    assert {"/budget-efficiency", "/v1/clients/{client_id}/cycles"} <= set(paths)
    service.state.stop_serving()
    assert service.http.get("/readyz").status_code == 503


def test_a_client_is_paused_and_resumed_over_http_and_another_tenants_is_not_found(
    service: Service,
) -> None:
    headers = {**service.auth(), "Idempotency-Key": "pause-1"}
    paused = service.http.post(
        "/v1/clients/acme-shop/pause", json={"reason": "budget review"}, headers=headers
    )
    assert paused.status_code == 200
    assert (paused.json()["state"], paused.json()["reason"]) == ("PAUSED", "budget review")
    listed = service.http.get("/v1/clients", headers=service.auth()).json()
    assert listed["clients"] == ["acme-shop"]
    assert [(s["client_id"], s["state"]) for s in listed["states"]] == [("acme-shop", "PAUSED")]
    spike_meta(service)
    cycle = service.http.post(
        "/v1/clients/acme-shop/cycles", json={}, headers={**service.auth(), "Idempotency-Key": "c"}
    )
    assert (cycle.json()["status"], cycle.json()["outcomes"]) == ("PAUSED", [])
    resumed = service.http.post(
        "/v1/clients/acme-shop/resume", json={}, headers={**service.auth(), "Idempotency-Key": "r"}
    )
    assert resumed.json()["state"] == "ACTIVE"
    theirs = service.http.post(
        "/v1/clients/globex-shop/pause", json={}, headers={**service.auth(), "Idempotency-Key": "x"}
    )
    assert theirs.status_code == 404
    assert service.services.ports.states.get("globex-shop").state.value == "ACTIVE"


def test_a_stuck_client_shows_what_is_where_and_resumes_only_once_it_agrees(
    service: Service,
) -> None:
    spike_meta(service)
    service.faults.fail(Platform.TIKTOK, "set")  # the destination cannot be raised...
    gateway = service.services.ports.gateway
    meta_sets = []

    class PutBackFails:
        def __getattr__(self, name: str) -> object:
            return getattr(gateway, name)

        def set_daily_budget(self, client_id: str, platform: Platform, budget: object) -> None:
            meta_sets.append(budget)
            if platform is Platform.META and len(meta_sets) > 1:
                raise PlatformUnavailableError(platform, "set", "down")  # ...nor Meta put back
            gateway.set_daily_budget(client_id, platform, budget)  # type: ignore[arg-type]

    p = service.services.ports
    stuck = Services(replace(p, gateway=PutBackFails()), service.services.values)  # type: ignore[arg-type]
    assert stuck.run_cycle("acme-shop").status.value == "STUCK"
    view = service.http.get("/v1/clients/acme-shop/state", headers=service.auth()).json()
    assert view["state"] == "STUCK"
    [pending] = view["pending"]
    assert (pending["source_before"], pending["source_target"]) == (500.0, 400.0)
    assert view["platform_budgets"]["PLATFORM_META"] == 400.0
    service.faults.heal()
    gateway.set_daily_budget("acme-shop", Platform.META, Money(450_000_000))  # by hand
    refused = service.http.post(
        "/v1/clients/acme-shop/resume", json={}, headers={**service.auth(), "Idempotency-Key": "1"}
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "client_stuck")
    gateway.set_daily_budget("acme-shop", Platform.META, Money(400_000_000))  # as KIKI left it
    resumed = service.http.post(
        "/v1/clients/acme-shop/resume", json={}, headers={**service.auth(), "Idempotency-Key": "2"}
    )
    assert resumed.json()["state"] == "ACTIVE"  # the half-made shift was undone on resume
    assert service.budgets("acme-shop")[Platform.META].to_units() == 500.0


def test_budget_efficiency_says_why_old_imported_data_leaves_every_platform_out(
    service: Service,
) -> None:
    orders = b"customer_id,ordered_at,amount,platform\nc1,2003-06-30,30,meta\n"
    service.services.import_file(RecordKind.ORDERS, io.BytesIO(orders), client_id="acme-shop")
    r = service.http.get(
        "/budget-efficiency",
        params={"client_id": "acme-shop", "refresh": "true"},
        headers=service.auth(),
    )
    assert r.status_code == 200
    body = r.json()
    assert body["platform_details"] == []
    assert set(body["left_out_reasons"].values()) == {"ltv_unknown"}
    assert "no customer was acquired in the 90 days to" in body["left_out_note"]
    assert "the latest imported order is from 2003-06-30" in body["left_out_note"]
