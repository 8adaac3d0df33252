"""The mirror's results as JSON: a pass's tally and the verdicts."""

from __future__ import annotations

from typing import Any

from kiki.application.mirror_services import MirrorTally
from kiki.synctwin.mirror_ports import MirrorVerdict


def tally(t: MirrorTally) -> dict[str, Any]:
    return {"events": t.events, "entries": t.entries, "actions": dict(sorted(t.actions.items()))}


def verdict(v: MirrorVerdict) -> dict[str, Any]:
    return {
        "campaign_id": v.campaign_id,
        "client_id": v.client_id,
        "action": v.action.name,
        "sequence": v.sequence,
        "decided_at": v.decided_at.isoformat(),
        "deviation": v.deviation,
        "real_revenue_micros": v.real_revenue_micros,
        "projected_revenue_micros": v.projected_revenue_micros,
        "threshold": v.threshold,
        "mode": v.mode,
        "settled_at": None if v.settled_at is None else v.settled_at.isoformat(),
    }
