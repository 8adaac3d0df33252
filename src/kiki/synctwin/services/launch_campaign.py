"""The digital handshake: simulate, then launch and audit, or reject, keep and audit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from kiki.platforms.ports import CampaignGateway
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog
from kiki.synctwin.domain.inputs import Strategy
from kiki.synctwin.domain.projection import ProjectedDay, project_trajectory
from kiki.synctwin.domain.simulation import SimulationResult
from kiki.synctwin.errors import CampaignRejectedError
from kiki.synctwin.ports import CampaignStore, GateDecision
from kiki.synctwin.services.gatekeeper import LOOKBACK_DAYS, SimulationGatekeeper

CAMPAIGN_APPROVED = "CAMPAIGN_APPROVED"
CAMPAIGN_REJECTED = "CAMPAIGN_REJECTED"
REJECTION_REASON = "SYNCTWIN_NEGATIVE_FORECAST"


@dataclass(frozen=True, slots=True)
class LaunchedCampaign:
    decision_id: str
    campaign_id: str
    result: SimulationResult
    projection: tuple[ProjectedDay, ...]


def launch_campaign(
    client_id: str,
    strategy: Strategy | Mapping[str, Any],
    *,
    gatekeeper: SimulationGatekeeper,
    campaigns: CampaignGateway,
    store: CampaignStore,
    audit: AuditLog,
    lookback_days: int = LOOKBACK_DAYS,
) -> LaunchedCampaign:
    """Launch only if the twin approves. There is deliberately no way to override a rejection.

    Raises CampaignRejectedError (after keeping the decision and auditing CAMPAIGN_REJECTED),
    NoBaselineError when the client has no baseline, InvalidInputError for a bad strategy, and
    the gateway's PlatformError if the approved campaign cannot be created (nothing is stored).
    """
    if not isinstance(strategy, Strategy):
        strategy = Strategy.from_dict(strategy)
    result, baseline = gatekeeper.evaluate(strategy, client_id, lookback_days=lookback_days)
    now = gatekeeper.clock.now()
    decision_id = uuid.uuid4().hex
    body = result.to_dict()
    decision = GateDecision(
        decision_id=decision_id,
        client_id=client_id,
        at=now,
        strategy=strategy,
        baseline=baseline,
        approved=result.approved,
        confidence=result.confidence,
        seed=result.seed,
        result=body,
    )
    metadata = {**body, "decision_id": decision_id, "strategy": strategy.to_dict()}
    if gatekeeper.metrics is not None:
        gatekeeper.metrics.count_decision(result.approved)
    if not result.approved:
        store.record(decision)
        audit.append(
            AuditEvent(
                event_type=CAMPAIGN_REJECTED,
                at=now,
                client_id=client_id,
                reason=REJECTION_REASON,
                metadata=metadata,
            )
        )
        raise CampaignRejectedError(result, decision_id)
    campaign_id = campaigns.create_campaign(
        client_id, strategy.platform, name=strategy.name, daily_budget=strategy.daily_budget
    )
    projection = project_trajectory(strategy, baseline)
    approved = replace(decision, campaign_id=campaign_id)
    store.record(approved, projection)
    audit.append(
        AuditEvent(
            event_type=CAMPAIGN_APPROVED,
            at=now,
            client_id=client_id,
            campaign_id=campaign_id,
            metadata=metadata,
        )
    )
    return LaunchedCampaign(decision_id, campaign_id, result, projection)
