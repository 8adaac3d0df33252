"""The gate's learning, one answer on every wire: the CLI's ``--json``, HTTP and gRPC of a real
``kiki serve`` agree on the same history (instants aside: each call ends its period at now)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest

from kiki.core.clock import SystemClock
from kiki.testing import Harness
from kiki.wire.gen import synctwin_pb2 as tw
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc
from tests.e2e.service import RunningService, environment, kiki, running_service
from tests.unit.api.gate_history import seed_history

CLIENT = "acme-shop"
_INSTANTS = {"since", "until", "window"}


class Wires:
    def __init__(self, service: RunningService, tmp: Path) -> None:
        self.tmp = tmp
        self.env = environment(tmp / "data")
        self.http = httpx.Client(
            base_url=service.http_url,
            headers={"Authorization": f"Bearer {service.keys['acme']}"},
            timeout=30,
        )
        self.channel = grpc.insecure_channel(service.grpc_target)
        self.stub = tw_grpc.SyncTwinServiceStub(self.channel)
        self.metadata = (("authorization", f"Bearer {service.keys['acme']}"),)

    def cli(self, *args: str) -> Any:
        return json.loads(kiki(self.env, self.tmp, *args))


@pytest.fixture(scope="module")
def wires(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wires]:
    tmp = tmp_path_factory.mktemp("gate-wires")
    with running_service(tmp, {"acme": [CLIENT]}, KIKI_CHECK_INTERVAL_S="86400") as service:
        h = Harness.build(tmp / "data")  # the service's own database; the sandbox is not used
        try:
            seed_history(h.services, CLIENT, n=300, until=SystemClock().now())
        finally:
            h.close()
        w = Wires(service, tmp)
        yield w
        w.http.close()
        w.channel.close()


def timeless(body: Any) -> Any:
    """``body`` without the instants that differ between two calls a moment apart."""
    if isinstance(body, dict):
        return {k: timeless(v) for k, v in body.items() if k not in _INSTANTS}
    if isinstance(body, list):
        return [timeless(x) for x in body]
    return body


def test_calibration_is_the_same_on_every_wire(wires: Wires) -> None:
    cli = wires.cli("twin", "calibration", "--client", CLIENT, "--json")
    http = wires.http.get(f"/v1/clients/{CLIENT}/gate/calibration").json()
    reply = wires.stub.GetGateCalibration(tw.GateRequest(client_id=CLIENT), metadata=wires.metadata)
    assert cli == http
    assert reply.overall.outcomes == http["overall"]["outcomes"] > 250
    assert reply.overall.brier_score == http["overall"]["brier_score"]
    assert [b.count for b in reply.overall.bins] == [b["count"] for b in http["overall"]["bins"]]
    assert [b.off_diagonal for b in reply.overall.bins] == [
        b["off_diagonal"] for b in http["overall"]["bins"]
    ]


def test_tuning_and_the_review_are_the_same_on_every_wire(wires: Wires) -> None:
    cli = wires.cli("twin", "tune", "--client", CLIENT, "--json")
    http = wires.http.get(f"/v1/clients/{CLIENT}/gate/tuning").json()
    reply = wires.stub.GetGateTuning(tw.GateRequest(client_id=CLIENT), metadata=wires.metadata)
    assert timeless(cli) == timeless(http)
    assert (reply.status, reply.threshold, reply.explanation) == (
        http["status"],
        http["threshold"],
        http["explanation"],
    )
    assert [(c.threshold, c.net_micros) for c in reply.candidates] == [
        (c["threshold"], c["net_micros"]) for c in http["candidates"]
    ]

    cli_review = wires.cli("twin", "review", "--client", CLIENT, "--since", "2d", "--json")
    http_review = wires.http.get(f"/v1/clients/{CLIENT}/gate/review", params={"since": "2d"}).json()
    grpc_review = wires.stub.GetGateReview(
        tw.GateReviewRequest(client_id=CLIENT, since="2d"), metadata=wires.metadata
    )
    assert timeless(cli_review) == timeless(http_review)
    assert [r.decision_id for r in grpc_review.rejected] == [
        r["decision_id"] for r in http_review["rejected"]
    ]
    assert grpc_review.alert is http_review["alert"]
    assert (
        grpc_review.trailing.confusion.false_negatives
        == (http_review["trailing"]["false_negatives"])
    )


def test_a_threshold_applied_over_http_is_what_the_cli_and_grpc_then_see(wires: Wires) -> None:
    applied = wires.http.post(
        f"/v1/clients/{CLIENT}/gate/thresholds", headers={"Idempotency-Key": "apply-1"}
    ).json()
    assert applied["status"] == "APPLIED"

    cli = wires.cli("twin", "tune", "--client", CLIENT, "--apply", "--json")
    reply = wires.stub.ApplyGateThreshold(
        tw.ApplyGateThresholdRequest(client_id=CLIENT, idempotency_key="apply-2"),
        metadata=wires.metadata,
    )
    assert (cli["status"], cli["previous_threshold"]) == ("UNCHANGED", applied["threshold"])
    assert (reply.status, reply.previous_threshold) == ("UNCHANGED", applied["threshold"])
    assert list(reply.candidates) == []
    trail = wires.cli("audit", "list", "--client", CLIENT, "--json")
    assert [e["event_type"] for e in trail].count("GATE_THRESHOLD_CHANGED") == 1
