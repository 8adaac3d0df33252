"""Alerting from SyncFlow's services, and marking a client STUCK (audited, alerted, durable)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from kiki.core.clock import Clock
from kiki.core.errors import StorageError
from kiki.syncflow.domain.client_state import ClientState, ClientStatus
from kiki.syncflow.ports import ClientStates
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import NotifyError
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog

CLIENT_STUCK = "CLIENT_STUCK"


def alert(notifier: Notifier, audit: AuditLog, clock: Clock, message: Alert) -> None:
    """Alert people; a failed delivery is audited, never allowed to undo a money move."""
    try:
        notifier.send(message)
    except NotifyError as exc:
        audit.append(
            AuditEvent(
                "ALERT_UNDELIVERED",
                clock.now(),
                message.client_id,
                reason=str(exc),
                metadata={"title": message.title, "severity": message.severity.value},
            )
        )


def mark_stuck(
    client_id: str,
    reason: str,
    details: Mapping[str, Any],
    *,
    states: ClientStates,
    audit: AuditLog,
    notifier: Notifier,
    clock: Clock,
) -> None:
    """Stop moving the client's money until a person resumes it, and say why, loudly.

    The state is written first; if even that fails (the database is down), the unresolved
    pending transfer stays in the ledger and the next cycle's reconciliation finds it again.
    """
    now = clock.now()
    # If the database is down, the pending transfer is the durable record and the next
    # reconciliation finds it again: nothing here may keep the alert from going out.
    with contextlib.suppress(StorageError):
        states.set(ClientStatus(client_id, ClientState.STUCK, reason, now, dict(details)))
    with contextlib.suppress(StorageError):
        audit.append(
            AuditEvent(CLIENT_STUCK, now, client_id, reason=reason, metadata=dict(details))
        )
    alert(
        notifier,
        audit,
        clock,
        Alert(
            Severity.CRITICAL,
            "Client stuck: manual action needed",
            f"{reason}. Optimisation for this client is stopped until a person checks its "
            "platforms and its ledger (`kiki clients show`) and resumes it.",
            client_id,
            dict(details),
        ),
    )
