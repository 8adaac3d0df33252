"""Client states and what is where for a client, as JSON."""

from __future__ import annotations

from typing import Any

from kiki.application.money_services import ClientView
from kiki.syncflow.domain.client_state import ClientStatus
from kiki.syncflow.services.reconcile import ReconcileReport
from kiki.syncledger.ledger import Transfer
from kiki.views.flow import units


def client_state(status: ClientStatus) -> dict[str, Any]:
    """``{"client_id", "state": "ACTIVE"|"PAUSED"|"STUCK", "reason"}`` (+ ``since``)."""
    return {
        "client_id": status.client_id,
        "state": status.state.value,
        "reason": status.reason,
        "since": status.since.isoformat() if status.since else None,
    }


def pending(t: Transfer) -> dict[str, Any]:
    return {
        "shift_id": t.shift_id,
        "from": t.source,
        "to": t.destination,
        "amount": t.amount.to_units(),
        "amount_micros": t.amount.micros,
        "at": t.at.isoformat(),
        "source_before": units(t.source_before),
        "source_target": units(t.source_target),
        "destination_before": units(t.destination_before),
        "destination_target": units(t.destination_target),
    }


def client_view(view: ClientView) -> dict[str, Any]:
    return {
        **client_state(view.status),
        "details": dict(view.status.details),
        "pending": [pending(t) for t in view.pending],
        "platform_budgets": {p.value: b.to_units() for p, b in view.budgets.items()},
        "unreadable": {p.value: why for p, why in view.unreadable.items()},
        "ledger_balances": {a: m.to_units() for a, m in view.balances.items()},
    }


def reconciled(report: ReconcileReport) -> dict[str, Any]:
    return {
        "client_id": report.client_id,
        "state": report.state.value,
        "resolved": [
            {"shift_id": i.shift_id, "resolution": i.resolution.value, "detail": i.detail}
            for i in report.items
        ],
    }
