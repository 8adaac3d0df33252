"""AppriseNotifier against a real local SMTP server and a real local webhook, not mocks."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from kiki.adapters.memory.notify import FanoutNotifier
from kiki.adapters.notify.apprise import AppriseNotifier
from kiki.core.errors import ConfigurationError
from kiki.syncnotify import Alert, DeliveryError, Severity
from kiki.syncnotify.recording import RecordingNotifier

ALERT = Alert(
    Severity.INFO,
    "Budget shifted from Meta to TikTok",
    "Meta CPMs impacted. Shifted $100/day to TikTok (4.00x LTV/CAC vs 2.14x)",
    client_id="acme",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  # aiosmtpd's hook name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


@pytest.fixture
def webhook() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's hook name
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, received
    server.shutdown()
    server.server_close()


def test_an_alert_arrives_by_email(smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    url = f"mailto://127.0.0.1:{port}?from=kiki@example.com&to=ops@example.com&mode=insecure"
    AppriseNotifier([url]).send(ALERT)
    [(sender, recipients, content)] = inbox.messages
    assert (sender, recipients) == ("kiki@example.com", ["ops@example.com"])
    assert "Subject: KIKI INFO: [acme] Budget shifted from Meta to TikTok" in content
    assert "Shifted $100/day to TikTok" in content


def test_an_alert_arrives_at_a_webhook_with_its_severity(
    webhook: tuple[int, list[dict[str, Any]]],
) -> None:
    port, received = webhook
    AppriseNotifier([f"json://127.0.0.1:{port}/alerts"]).send(
        Alert(Severity.CRITICAL, "stuck", "manual action needed", client_id="acme")
    )
    [body] = received
    assert (body["title"], body["message"], body["type"]) == (
        "KIKI CRITICAL: [acme] stuck",
        "manual action needed",
        "failure",
    )


def test_an_unreachable_destination_raises_delivery_error() -> None:
    notifier = AppriseNotifier([f"json://127.0.0.1:{free_port()}/nobody-listens"])
    with pytest.raises(DeliveryError):
        notifier.send(ALERT)


def test_a_url_apprise_does_not_understand_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="notify_urls"):
        AppriseNotifier(["nonsense://"])


def test_fanout_delivers_to_the_others_when_one_destination_fails() -> None:
    recording = RecordingNotifier()
    broken = AppriseNotifier([f"json://127.0.0.1:{free_port()}/nobody-listens"])
    with pytest.raises(DeliveryError):
        FanoutNotifier(broken, recording).send(ALERT)
    assert recording.alerts == [ALERT]
