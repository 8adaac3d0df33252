"""The Notifier port's contract: what is sent arrives, whole and in order, on every
implementation: RecordingNotifier in-process, and GrpcNotifier talking to a real server on
loopback whose notifier records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiki.adapters.grpc_clients import GrpcNotifier
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.ports import Notifier
from kiki.syncnotify.recording import RecordingNotifier
from tests.contract.remote import serving


@dataclass
class Delivery:
    notifier: Notifier  # what the test sends through
    arrived: RecordingNotifier  # where the alerts end up


@pytest.fixture(params=["recording", "grpc"])
def delivery(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Delivery]:
    if request.param == "grpc":
        with serving(tmp_path / "remote", clients=("acme",)) as remote:
            yield Delivery(GrpcNotifier(remote.service()), remote.alerts)
        return
    recording = RecordingNotifier()
    yield Delivery(recording, recording)


SHIFTED = Alert(
    severity=Severity.INFO,
    title="Budget shifted from Meta to TikTok",
    message="Moved $100.00 a day: efficiency 0.62 against an average of 1.10",
    client_id="acme",
    details={
        "shift_id": "s-1",
        "from": "PLATFORM_META",
        "to": "PLATFORM_TIKTOK",
        "amount_micros": 100_000_000,
        "source_efficiency": 0.615385,
        "average_efficiency": 1.1,
    },
)


def test_an_alert_arrives_equal_to_the_one_sent(delivery: Delivery) -> None:
    delivery.notifier.send(SHIFTED)
    assert delivery.arrived.alerts == [SHIFTED]
    assert delivery.arrived.alerts[0].details["amount_micros"] == 100_000_000


def test_alerts_arrive_in_order_with_every_severity_and_without_a_client(
    delivery: Delivery,
) -> None:
    sent = [
        Alert(Severity.CRITICAL, "Shift stuck", "Money in transit", "acme", {"cause": "timeout"}),
        Alert(Severity.WARNING, "Platform unavailable", "Meta API down"),
        SHIFTED,
    ]
    for alert in sent:
        delivery.notifier.send(alert)
    assert delivery.arrived.alerts == sent
