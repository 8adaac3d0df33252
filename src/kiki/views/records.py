"""The audit trail, its verification and tenants as JSON."""

from __future__ import annotations

from typing import Any

from kiki.syncshield.chain import AuditEntry, ChainReport
from kiki.tenancy.keys import IssuedKey, TenantSummary


def audit_entry(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.event.at.isoformat(),
        "event_type": entry.event.event_type,
        "client_id": entry.event.client_id,
        "campaign_id": entry.event.campaign_id,
        "reason": entry.event.reason,
        "metadata": entry.event.metadata,
    }


def chain(report: ChainReport) -> dict[str, Any]:
    return {
        "entries": report.entries,
        "ok": report.ok,
        "problems": list(report.problems),
        "head_hash": report.head_hash,
    }


def issued_key(key: IssuedKey) -> dict[str, str]:
    return {"tenant": key.tenant_id, "api_key": key.secret, "key_id": key.key_id}


def tenant(summary: TenantSummary) -> dict[str, Any]:
    return {
        "tenant": summary.tenant_id,
        "created_at": summary.created_at.isoformat(),
        "clients": list(summary.clients),
        "keys": [
            {
                "key_id": k.key_id,
                "created_at": k.created_at.isoformat(),
                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
                "operator": k.operator,
            }
            for k in summary.keys
        ],
    }
