"""The digital handshake: simulate, then launch and audit, or reject, keep and audit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from kiki.campaigns.domain import Bid, CampaignState
from kiki.campaigns.ports import CampaignBook
from kiki.campaigns.projection import Projection
from kiki.campaigns.services import remember_created
from kiki.platforms.ports import CampaignControl
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog
from kiki.synctwin.domain.inputs import Strategy
from kiki.synctwin.domain.projection import (
    ProjectedDay,
    launch_projection,
    project_trajectory,
)
from kiki.synctwin.domain.simulation import SimulationResult
from kiki.synctwin.errors import rejection_message
from kiki.synctwin.ports import GateDecision, GateDecisionStore
from kiki.synctwin.services.gatekeeper import LOOKBACK_DAYS, SimulationGatekeeper

CAMPAIGN_APPROVED = "CAMPAIGN_APPROVED"
CAMPAIGN_REJECTED = "CAMPAIGN_REJECTED"
REJECTION_REASON = "SYNCTWIN_NEGATIVE_FORECAST"
APPROVED_MESSAGE = "approved and launched"


@dataclass(frozen=True, slots=True)
class LaunchOutcome:
    """The gate's verdict and, when approved, the campaign it created at the platform."""

    approved: bool
    decision_id: str
    result: SimulationResult
    message: str
    campaign: CampaignState | None = None
    projection: tuple[ProjectedDay, ...] = ()
    mirrored: Projection | None = None  # what the mirror compares the campaign with

    @property
    def campaign_id(self) -> str | None:
        return None if self.campaign is None else self.campaign.campaign_id


def launch_campaign(
    client_id: str,
    strategy: Strategy | Mapping[str, Any],
    *,
    gatekeeper: SimulationGatekeeper,
    campaigns: CampaignControl,
    book: CampaignBook,
    store: GateDecisionStore,
    audit: AuditLog,
    lookback_days: int = LOOKBACK_DAYS,
) -> LaunchOutcome:
    """Launch only if the twin approves. There is deliberately no way to override a rejection.

    A rejection is an outcome (``approved`` false, the seed's message), kept for shadow mode
    and audited as CAMPAIGN_REJECTED. Raises NoBaselineError when the client has no baseline,
    InvalidInputError for a bad strategy, and the gateway's PlatformError if the approved
    campaign cannot be created (then nothing is stored).
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
        return LaunchOutcome(False, decision_id, result, rejection_message(result))
    campaign = campaigns.create_campaign(
        client_id,
        strategy.platform,
        name=strategy.name,
        daily_budget=strategy.daily_budget,
        bid=Bid.automatic(),
    )
    remember_created(campaign, actor="twin launch", book=book, clock=gatekeeper.clock)
    campaign_id = campaign.campaign_id
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
    mirrored = launch_projection(now, strategy, projection)
    return LaunchOutcome(
        True, decision_id, result, APPROVED_MESSAGE, campaign, projection, mirrored
    )
