"""The real-to-sim mirror: each batch of bid-stream events in, one decision per event out.

The per-event work is columnar (numpy); only the rare crossings are handled one by one. A
crossing is recorded as a verdict in the durable ``MirrorVerdicts`` *before* the mirror acts
(intent first), so a campaign is rolled back once whatever the restarts, duplicates or
consumers; a verdict recorded but not yet carried out (the platform failed, the process died)
is carried out on the campaign's next event. Sequences are taken by the state store, atomically:
an event whose sequence is not above the campaign's last taken one is ``IGNORED_STALE``.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from kiki.campaigns.domain import PauseReason
from kiki.campaigns.ports import CampaignBook
from kiki.campaigns.projection import Projection
from kiki.campaigns.services import pause_campaign
from kiki.core.clock import Clock
from kiki.platforms.errors import PlatformError
from kiki.platforms.ports import CampaignControl
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import NotifyError
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog
from kiki.synctwin.domain.mirror import (
    DecisionBatch,
    EventBatch,
    MirrorAction,
    MirrorRules,
    judge_many,
    projected_many,
)
from kiki.synctwin.mirror_ports import (
    MirrorMetrics,
    MirrorRows,
    MirrorStateStore,
    MirrorVerdict,
    MirrorVerdicts,
)
from kiki.synctwin.ports import GateDecisionStore

AUTO_ROLLBACK_TRIGGERED = "AUTO_ROLLBACK_TRIGGERED"
PROJECTION_STALE = "PROJECTION_STALE"
ALERT_UNDELIVERED = "ALERT_UNDELIVERED"
ACTOR = "synctwin mirror"
_UNKNOWN = -1
_NONE, _WARMING = int(MirrorAction.NONE), int(MirrorAction.WARMING_UP)
_ROLLED, _ALERTED = int(MirrorAction.ROLLED_BACK), int(MirrorAction.ALERTED)
_ALREADY, _STALE = int(MirrorAction.ALREADY_ROLLED_BACK), int(MirrorAction.IGNORED_STALE)
_NO_SUCH = int(MirrorAction.UNKNOWN_CAMPAIGN)


@dataclass(frozen=True, slots=True)
class MirrorPorts:
    """What the mirror acts through, keyword by keyword."""

    book: CampaignBook
    control: CampaignControl
    projections: GateDecisionStore
    state: MirrorStateStore
    verdicts: MirrorVerdicts
    audit: AuditLog
    notifier: Notifier
    metrics: MirrorMetrics
    clock: Clock


class _Table:
    """The watched campaigns as columns, indexed by campaign id (grown as campaigns appear)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.client_ids: list[str] = []
        self.size = 0
        capacity = 64
        self.started_s = np.zeros(capacity)
        self.horizon_s = np.ones(capacity)
        self.revenue = np.zeros(capacity)
        self.spend = np.zeros(capacity)
        self.conversions = np.zeros(capacity)
        self.projected = np.zeros(capacity, dtype=bool)  # launched through the gate
        self.rolled_back = np.zeros(capacity, dtype=bool)  # a ROLLED_BACK verdict exists
        self.unsettled: set[int] = set()  # verdicts recorded, not yet carried out
        self.alerted = np.zeros(capacity, dtype=bool)

    def add(self, campaign_id: str, client_id: str, projection: Projection | None) -> int:
        row = self.size
        if row == len(self.started_s):
            for name in (
                "started_s",
                "horizon_s",
                "revenue",
                "spend",
                "conversions",
                "projected",
                "rolled_back",
                "alerted",
            ):
                column = getattr(self, name)
                setattr(self, name, np.concatenate([column, np.zeros_like(column)]))
            self.horizon_s[row:] = 1.0
        if projection is not None:
            self.started_s[row] = projection.started_at.timestamp()
            self.horizon_s[row] = projection.horizon_s
            self.revenue[row] = projection.revenue_micros
            self.spend[row] = projection.spend_micros
            self.conversions[row] = projection.conversions
            self.projected[row] = True
        self.client_ids.append(client_id)
        self.index[campaign_id] = row
        self.size += 1
        return row


class Mirror:
    """The mirror of every campaign this process has seen; ``decide`` is thread-safe."""

    def __init__(self, rules: MirrorRules, ports: MirrorPorts) -> None:
        self.rules = rules
        self.ports = ports
        self._table = _Table()
        self._lock = threading.Lock()

    def decide(
        self, events: EventBatch, *, clients: Collection[str] | None = None
    ) -> DecisionBatch:
        """One decision per event, in order. ``clients``: only these clients' campaigns are
        known (a tenant's); others answer UNKNOWN_CAMPAIGN, as campaigns that do not exist."""
        events.check()
        with self._lock:
            return self._decide(events, clients)

    def _decide(self, events: EventBatch, clients: Collection[str] | None) -> DecisionBatch:
        table = self._table
        index = table.index
        ids = events.campaign_ids
        rows = np.fromiter((index.get(c, _UNKNOWN) for c in ids), dtype=np.int64, count=len(ids))
        if (rows == _UNKNOWN).any():
            self._watch({c for c, r in zip(ids, rows.tolist(), strict=True) if r == _UNKNOWN})
            rows = np.fromiter(
                (index.get(c, _UNKNOWN) for c in ids), dtype=np.int64, count=len(ids)
            )
        known = rows != _UNKNOWN
        if clients is not None:
            allowed = set(clients)
            mine = np.fromiter(
                (table.client_ids[r] in allowed if r >= 0 else False for r in rows.tolist()),
                dtype=bool,
                count=len(ids),
            )
            known &= mine
        at = np.maximum(rows, 0)
        at_s = events.at_s
        started, horizon = table.started_s[at], table.horizon_s[at]
        projected_revenue = projected_many(table.revenue[at], started, horizon, at_s)
        spend = events.spend_micros.astype(np.float64)
        actions, deviations = judge_many(
            self.rules,
            elapsed_s=at_s - started,
            spend_micros=spend,
            conversions=events.conversions,
            revenue_micros=events.revenue_micros.astype(np.float64),
            projected_revenue_micros=projected_revenue,
        )
        watched_only = ~table.projected[at]
        actions[watched_only] = _NONE
        deviations[watched_only] = 0.0
        mirrored = EventBatch(
            campaign_ids=[c for c, k in zip(ids, known.tolist(), strict=True) if k],
            sequences=events.sequences[known],
            spend_micros=events.spend_micros[known],
            conversions=events.conversions[known],
            revenue_micros=events.revenue_micros[known],
            at_s=at_s[known],
        )
        taken = np.zeros(len(ids), dtype=bool)
        if len(mirrored):
            k = known
            taken[k] = self.ports.state.advance(
                MirrorRows(
                    events=mirrored,
                    deviations=deviations[k],
                    projected_revenue_micros=projected_revenue[k],
                    projected_spend_micros=projected_many(
                        table.spend[at[k]], started[k], horizon[k], at_s[k]
                    ),
                    projected_conversions=(
                        table.conversions[at[k]]
                        * np.clip((at_s[k] - started[k]) / horizon[k], 0.0, 1.0)
                    ),
                )
            )
        actions[known & ~taken] = _STALE
        actions[taken & table.rolled_back[at]] = _ALREADY
        actions[~known] = _NO_SUCH
        judged = taken & (actions != _WARMING) & ~watched_only
        if judged.any():
            self.ports.metrics.observe_deviations(deviations[judged])
        for i in np.flatnonzero((actions == _ROLLED) | (actions == _ALERTED)).tolist():
            actions[i] = self._cross(
                row=int(rows[i]),
                campaign_id=ids[i],
                sequence=int(events.sequences[i]),
                deviation=float(deviations[i]),
                real=int(events.revenue_micros[i]),
                projected=int(projected_revenue[i]),
                action=int(actions[i]),
            )
        if table.unsettled:
            for i in np.flatnonzero(actions == _ALREADY).tolist():
                if int(rows[i]) in table.unsettled:
                    self._settle(int(rows[i]), ids[i])
        return DecisionBatch(
            campaign_ids=ids,
            sequences=events.sequences,
            projected_revenue_micros=projected_revenue.astype(np.int64),
            deviations=deviations,
            actions=actions,
        )

    def _watch(self, campaign_ids: set[str]) -> None:
        """Look up campaigns seen for the first time: where they live, their projection, their
        verdicts. Campaigns the book does not know stay unknown (and are looked up again)."""
        p = self.ports
        refs = {c: ref for c in sorted(campaign_ids) if (ref := p.book.find(c)) is not None}
        if not refs:
            return
        projections = p.projections.projections(list(refs))
        verdicts = p.verdicts.of(list(refs))
        table = self._table
        for campaign_id, ref in refs.items():
            projection = projections.get(campaign_id)
            p.state.watch(campaign_id, projection)
            table.add(campaign_id, ref.client_id, projection)
        for verdict in verdicts:
            row = table.index[verdict.campaign_id]
            if verdict.action is MirrorAction.ROLLED_BACK:
                table.rolled_back[row] = True
                if verdict.settled_at is None:
                    table.unsettled.add(row)
            elif verdict.action is MirrorAction.ALERTED:
                table.alerted[row] = True

    def _cross(
        self,
        *,
        row: int,
        campaign_id: str,
        sequence: int,
        deviation: float,
        real: int,
        projected: int,
        action: int,
    ) -> int:
        """An event crossed the threshold: record the verdict first, then act, once."""
        table = self._table
        if table.rolled_back[row]:
            return _ALREADY
        if action == _ALERTED and table.alerted[row]:
            return _NONE
        p = self.ports
        verdict = MirrorVerdict(
            campaign_id=campaign_id,
            client_id=table.client_ids[row],
            action=MirrorAction(action),
            sequence=sequence,
            decided_at=p.clock.now(),
            deviation=deviation,
            real_revenue_micros=real,
            projected_revenue_micros=projected,
            threshold=self.rules.threshold,
            mode=self.rules.mode.value,
        )
        new = p.verdicts.decide(verdict)
        if action == _ALERTED:
            table.alerted[row] = True
            if new:
                self._alert_stale(verdict)
            return _ALERTED if new else _NONE
        table.rolled_back[row] = True
        if not new:
            return _ALREADY  # another consumer (or a run before a restart) decided it
        table.unsettled.add(row)
        self._roll_back(verdict)
        self._settle(row, campaign_id)
        return _ROLLED

    def _roll_back(self, v: MirrorVerdict) -> None:
        p = self.ports
        figures = _figures(v)
        p.audit.append(
            AuditEvent(
                AUTO_ROLLBACK_TRIGGERED,
                v.decided_at,
                v.client_id,
                campaign_id=v.campaign_id,
                reason=PauseReason.SYNCTWIN_DEVIATION_THRESHOLD.value,
                metadata=figures,
            )
        )
        p.metrics.count_rollback(v.mode)
        self._send(
            Alert(
                Severity.WARNING,
                f"Auto-Rollback Triggered: {v.campaign_id}",
                f"Revenue {v.deviation:+.1%} against the projection (threshold "
                f"{v.threshold:.0%}): campaign paused.",
                v.client_id,
                {**figures, "action": "PAUSED"},
            )
        )

    def _settle(self, row: int, campaign_id: str) -> None:
        """Carry out a recorded rollback: pause through the gateway (idempotent), then mark the
        verdict settled. A platform failure leaves it for the campaign's next event."""
        p = self.ports
        verdict = next(
            (v for v in p.verdicts.of([campaign_id]) if v.action is MirrorAction.ROLLED_BACK),
            None,
        )
        if verdict is None:
            return
        try:
            pause_campaign(
                campaign_id,
                PauseReason.SYNCTWIN_DEVIATION_THRESHOLD,
                actor=ACTOR,
                note=f"revenue {verdict.deviation:+.1%} against the projection",
                figures=_figures(verdict),
                gateway=p.control,
                book=p.book,
                audit=p.audit,
                clock=p.clock,
            )
        except PlatformError:
            return
        p.verdicts.settle(campaign_id, MirrorAction.ROLLED_BACK, at=p.clock.now())
        self._table.unsettled.discard(row)

    def _alert_stale(self, v: MirrorVerdict) -> None:
        p = self.ports
        figures = _figures(v)
        p.audit.append(
            AuditEvent(
                PROJECTION_STALE,
                v.decided_at,
                v.client_id,
                campaign_id=v.campaign_id,
                metadata=figures,
            )
        )
        self._send(
            Alert(
                Severity.WARNING,
                f"Projection stale: {v.campaign_id}",
                f"Revenue {v.deviation:+.1%} against the projection: the campaign earns more "
                "than projected; it keeps running.",
                v.client_id,
                {**figures, "action": "ALERTED"},
            )
        )
        p.verdicts.settle(v.campaign_id, MirrorAction.ALERTED, at=p.clock.now())

    def _send(self, alert: Alert) -> None:
        p = self.ports
        try:
            p.notifier.send(alert)
        except NotifyError as exc:
            p.audit.append(
                AuditEvent(
                    ALERT_UNDELIVERED,
                    p.clock.now(),
                    alert.client_id,
                    reason=str(exc),
                    metadata={"title": alert.title, "severity": alert.severity.value},
                )
            )


def _figures(v: MirrorVerdict) -> dict[str, object]:
    return {
        "deviation": round(v.deviation, 6),
        "real_revenue_micros": v.real_revenue_micros,
        "projected_revenue_micros": v.projected_revenue_micros,
        "threshold": v.threshold,
        "mode": v.mode,
        "sequence": v.sequence,
    }
