"""The Notifier port on a remote SyncNotify (``KIKI_NOTIFY_ADDR``)."""

from __future__ import annotations

import json

import grpc

from kiki.adapters.grpc_clients.channel import RemoteService, describe
from kiki.syncnotify.alert import Alert
from kiki.syncnotify.errors import DeliveryError
from kiki.wire.gen import budget_optimizer_pb2 as bo


class GrpcNotifier:
    """Sends each alert with SendBudgetAlert; any failure raises DeliveryError.

    The details travel as typed JSON (``details_json``) so that numbers arrive as numbers, and
    as text in ``details`` for servers that predate it. A failed call is not retried: a
    retry after a lost reply would deliver the alert twice.
    """

    def __init__(self, remote: RemoteService) -> None:
        self._remote = remote
        self._send = remote.method("SendBudgetAlert", bo.BudgetAlertRequest, bo.BudgetAlertResponse)

    def send(self, alert: Alert) -> None:
        request = bo.BudgetAlertRequest(
            client_id=alert.client_id or "",
            severity=alert.severity.value,
            title=alert.title,
            message=alert.message,
            details={k: str(v) for k, v in alert.details.items()},
            details_json=json.dumps(dict(alert.details), default=str),
        )
        try:
            self._send(request)
        except grpc.RpcError as exc:
            raise DeliveryError(
                f"the notifier at {self._remote.address} failed: {describe(exc)}"
            ) from exc
