"""The gate's learning over HTTP and gRPC: the same answers as the use cases (which the CLI
renders with the same views), idempotent apply, refusals as answers, bad input named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from kiki.api.grpc.server import build_server
from kiki.synctwin.domain.inputs import Baseline
from kiki.synctwin.services.tune_threshold import GATE_THRESHOLD_CHANGED
from kiki.views import gate
from kiki.wire.gen import synctwin_pb2 as tw
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc
from tests.unit.api.conftest import Service
from tests.unit.api.gate_history import seed_history

CLIENT = "acme-shop"
STRATEGY = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 800}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 60_000, "monthly_ad_spend": 20_000}
M = 1_000_000


@pytest.fixture
def stub(service: Service) -> Iterator[tw_grpc.SyncTwinServiceStub]:
    server, port = build_server(service.tenancy, service.state, address="127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield tw_grpc.SyncTwinServiceStub(channel)
    finally:
        channel.close()
        server.stop(grace=None).wait()


def metadata(service: Service) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {service.acme_key}"),)


def share(m: tw.Share) -> dict[str, Any]:
    return {
        "count": m.count,
        "total": m.total,
        "rate": m.rate if m.HasField("rate") else None,
        "low": m.low if m.HasField("low") else None,
        "high": m.high if m.HasField("high") else None,
    }


def test_calibration_is_the_same_over_http_grpc_and_the_use_case(
    service: Service, stub: tw_grpc.SyncTwinServiceStub
) -> None:
    seed_history(service.services, CLIENT)
    expected = gate.calibration(service.services.gate_calibration(CLIENT))
    http = service.http.get(f"/v1/clients/{CLIENT}/gate/calibration", headers=service.auth())
    reply = stub.GetGateCalibration(tw.GateRequest(client_id=CLIENT), metadata=metadata(service))

    assert http.status_code == 200
    assert http.json() == expected
    overall = expected["overall"]
    assert overall["outcomes"] == reply.overall.outcomes > 250
    assert overall["miscalibrated"] is reply.overall.miscalibrated is True
    assert reply.overall.expected_calibration_error == overall["expected_calibration_error"]
    assert [share(b.profitable) for b in reply.overall.bins] == [
        {
            "count": round((b["share_profitable"] or 0) * b["count"]),
            "total": b["count"],
            "rate": b["share_profitable"],
            "low": b["wilson_low"],
            "high": b["wilson_high"],
        }
        for b in overall["bins"]
    ]
    assert [c.client_id for c in reply.clients] == [c["client_id"] for c in expected["clients"]]


def test_tuning_is_the_same_over_http_grpc_and_the_use_case_and_changes_nothing(
    service: Service, stub: tw_grpc.SyncTwinServiceStub
) -> None:
    seed_history(service.services, CLIENT)
    expected = gate.tuning(service.services.tune_gate(CLIENT))
    http = service.http.get(f"/v1/clients/{CLIENT}/gate/tuning", headers=service.auth()).json()
    reply = stub.GetGateTuning(tw.GateRequest(client_id=CLIENT), metadata=metadata(service))

    assert http == expected
    assert http["status"] == reply.status == "PROPOSED"
    assert http["threshold"] == reply.threshold != 0.85
    assert http["recommended"]["net_micros"] == reply.recommended.net_micros
    assert http["recommended"]["net"] == reply.recommended.net_micros / M
    assert [c["threshold"] for c in http["candidates"]] == [c.threshold for c in reply.candidates]
    assert [c["false_negative_rate"] for c in http["candidates"]] == [
        share(c.false_negative_rate) for c in reply.candidates
    ]
    assert http["explanation"] == reply.explanation
    assert service.services.ports.thresholds.history(CLIENT) == []


def test_the_review_is_the_same_over_http_grpc_and_the_use_case(
    service: Service, stub: tw_grpc.SyncTwinServiceStub
) -> None:
    seed_history(service.services, CLIENT)
    expected = gate.review(service.services.gate_review(CLIENT, since="3d"))
    http = service.http.get(
        f"/v1/clients/{CLIENT}/gate/review", params={"since": "3d"}, headers=service.auth()
    ).json()
    reply = stub.GetGateReview(
        tw.GateReviewRequest(client_id=CLIENT, since="3d"), metadata=metadata(service)
    )

    assert http == expected
    assert len(http["rejected"]) == len(reply.rejected) > 0
    assert [(r["decision_id"], r["actual_net_profit_micros"]) for r in http["rejected"]] == [
        (
            r.decision_id,
            r.actual_net_profit_micros if r.HasField("actual_net_profit_micros") else None,
        )
        for r in reply.rejected
    ]
    assert [r["shadow_verdict"] for r in http["rejected"]] == [
        r.shadow_verdict for r in reply.rejected
    ]
    assert http["trailing"]["false_negative_rate"] == share(reply.trailing.false_negative_rate)
    assert http["alert"] is reply.alert
    assert http["recommended_threshold"] == reply.recommended_threshold


def test_applying_stores_the_threshold_audits_it_and_the_next_launch_uses_it(
    service: Service,
) -> None:
    seed_history(service.services, CLIENT)
    headers = {**service.auth(), "Idempotency-Key": "apply-1"}
    first = service.http.post(f"/v1/clients/{CLIENT}/gate/thresholds", headers=headers)
    again = service.http.post(f"/v1/clients/{CLIENT}/gate/thresholds", headers=headers)

    assert first.status_code == 200, first.text
    body = first.json()
    assert body["status"] == "APPLIED"
    assert "candidates" not in body
    assert again.json() == body
    assert again.headers["Idempotent-Replayed"] == "true"
    [stored] = service.services.ports.thresholds.history(CLIENT)
    assert stored.threshold == body["threshold"]
    [event] = [
        e.event
        for e in service.services.audit_entries(CLIENT)
        if e.event.event_type == GATE_THRESHOLD_CHANGED
    ]
    assert event.client_id == CLIENT
    assert event.metadata["threshold"] == body["threshold"]
    assert event.metadata["recommended"]["net_micros"] == body["recommended"]["net_micros"]

    service.services.ports.baselines.put(
        CLIENT, Baseline.from_dict(BASELINE), at=service.clock.now()
    )
    launched = service.http.post(
        f"/v1/clients/{CLIENT}/launches",
        json={"strategy": STRATEGY},
        headers={**service.auth(), "Idempotency-Key": "launch-1"},
    ).json()
    assert launched["threshold"] == body["threshold"]


def test_applying_on_too_few_outcomes_answers_refused_and_stores_nothing(
    service: Service, stub: tw_grpc.SyncTwinServiceStub
) -> None:
    seed_history(service.services, CLIENT, n=60)
    r = service.http.post(
        f"/v1/clients/{CLIENT}/gate/thresholds",
        headers={**service.auth(), "Idempotency-Key": "apply-1"},
    )
    reply = stub.ApplyGateThreshold(
        tw.ApplyGateThresholdRequest(client_id=CLIENT, idempotency_key="apply-2"),
        metadata=metadata(service),
    )

    assert r.status_code == 200
    assert r.json()["status"] == reply.status == "REFUSED"
    assert r.json()["threshold"] is None
    assert not reply.HasField("threshold")
    assert list(reply.refusals) == r.json()["refusals"]
    assert "TOO_FEW_PROFITABLE" in r.json()["refusals"]
    assert service.services.ports.thresholds.history(CLIENT) == []
    assert GATE_THRESHOLD_CHANGED not in {
        e.event.event_type for e in service.services.audit_entries()
    }


def test_applying_needs_an_idempotency_key(service: Service) -> None:
    r = service.http.post(f"/v1/clients/{CLIENT}/gate/thresholds", headers=service.auth())
    assert r.status_code == 422
    assert r.json()["field"] == "Idempotency-Key"


@pytest.mark.parametrize("since", ["7x", "0d", "-3d", "yesterday", "2999-01-01", "4000d"])
def test_a_bad_review_period_is_refused_naming_since(
    service: Service, stub: tw_grpc.SyncTwinServiceStub, since: str
) -> None:
    r = service.http.get(
        f"/v1/clients/{CLIENT}/gate/review", params={"since": since}, headers=service.auth()
    )
    assert r.status_code == 422
    assert r.json()["field"] == "since"
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetGateReview(
            tw.GateReviewRequest(client_id=CLIENT, since=since), metadata=metadata(service)
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_with_no_outcomes_yet_every_answer_says_so(service: Service) -> None:
    calibration = service.http.get(
        f"/v1/clients/{CLIENT}/gate/calibration", headers=service.auth()
    ).json()
    review = service.http.get(f"/v1/clients/{CLIENT}/gate/review", headers=service.auth()).json()
    assert calibration["overall"]["outcomes"] == 0
    assert calibration["clients"] == []
    assert review["rejected"] == []
    assert review["alert"] is False
    assert review["trailing"]["false_negative_rate"]["rate"] is None
    assert review["refusals"] == ["TOO_FEW_PROFITABLE", "TOO_FEW_LOSING"]
