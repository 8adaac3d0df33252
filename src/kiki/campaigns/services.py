"""Campaign use cases: list a client's campaigns, pause and resume one, and record a change.

Every change goes through the gateway first (the platform is the truth), then into KIKI's
book with who decided it and why, then into the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiki.campaigns.domain import (
    Bid,
    Campaign,
    CampaignChange,
    CampaignConfig,
    CampaignRef,
    CampaignState,
    CampaignStatus,
    ChangeKind,
    PauseReason,
    check_campaign_id,
)
from kiki.campaigns.ports import CampaignBook
from kiki.core.clock import Clock
from kiki.core.platform import Platform
from kiki.platforms.errors import CampaignNotFoundError, PlatformError
from kiki.platforms.ports import CampaignControl, Gateway
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog

CAMPAIGN_PAUSED = "CAMPAIGN_PAUSED"
CAMPAIGN_RESUMED = "CAMPAIGN_RESUMED"
CAMPAIGN_ROLLED_BACK = "CAMPAIGN_ROLLED_BACK"
CAMPAIGN_BID_CHANGED = "CAMPAIGN_BID_CHANGED"
CAMPAIGN_BUDGET_CHANGED = "CAMPAIGN_BUDGET_CHANGED"
MANUAL = "MANUAL"
_EVENTS = {
    ChangeKind.PAUSED: CAMPAIGN_PAUSED,
    ChangeKind.RESUMED: CAMPAIGN_RESUMED,
    ChangeKind.ROLLED_BACK: CAMPAIGN_ROLLED_BACK,
    ChangeKind.BID: CAMPAIGN_BID_CHANGED,
    ChangeKind.BUDGET: CAMPAIGN_BUDGET_CHANGED,
}


@dataclass(frozen=True, slots=True)
class CampaignList:
    """Campaigns as the platforms report them now; where a platform could not be read, its
    campaigns as KIKI last knew them, and the reason in ``stale``."""

    campaigns: tuple[Campaign, ...]
    stale: Mapping[tuple[str, Platform], str] = field(default_factory=dict)


def list_campaigns(
    client_ids: Sequence[str],
    *,
    gateway: Gateway,
    book: CampaignBook,
    clock: Clock,
    window_s: float,
) -> CampaignList:
    now = clock.now()
    found: list[Campaign] = []
    stale: dict[tuple[str, Platform], str] = {}
    for client_id in client_ids:
        known = book.known(client_id=client_id)
        reasons = {c.campaign_id: c.pause_reason for c in known}
        for platform in gateway.platforms(client_id):
            try:
                readings = gateway.read_campaigns(client_id, platform, window_s=window_s)
            except PlatformError as exc:
                stale[(client_id, platform)] = str(exc)
                found += [c for c in known if c.state.platform is platform]
                continue
            for reading in readings:
                state = reading.state
                book.remember(state, at=now)
                reason = reasons.get(state.campaign_id)
                paused = state.status is CampaignStatus.PAUSED
                found.append(Campaign(state, reason if paused else None))
    return CampaignList(tuple(found), stale)


def pause_campaign(
    campaign_id: str,
    reason: PauseReason,
    *,
    actor: str = MANUAL,
    note: str | None = None,
    figures: Mapping[str, Any] | None = None,
    gateway: CampaignControl,
    book: CampaignBook,
    audit: AuditLog,
    clock: Clock,
) -> Campaign:
    """Pause at the platform, then record why. Pausing a paused campaign changes nothing at
    the platform but is recorded again (the newest reason wins). CampaignNotFoundError."""
    ref = locate(campaign_id, book=book)
    before = _last_known(ref, book)
    state = gateway.pause(ref, reason)
    _record(
        ref,
        ChangeKind.PAUSED,
        before=before,
        state=state,
        actor=actor,
        reason=reason,
        note=note,
        figures=figures or {},
        book=book,
        audit=audit,
        clock=clock,
    )
    return Campaign(state, reason)


def resume_campaign(
    campaign_id: str,
    *,
    actor: str = MANUAL,
    note: str | None = None,
    gateway: CampaignControl,
    book: CampaignBook,
    audit: AuditLog,
    clock: Clock,
) -> Campaign:
    ref = locate(campaign_id, book=book)
    before = _last_known(ref, book)
    state = gateway.resume(ref)
    _record(
        ref,
        ChangeKind.RESUMED,
        before=before,
        state=state,
        actor=actor,
        reason=None,
        note=note,
        figures={},
        book=book,
        audit=audit,
        clock=clock,
    )
    return Campaign(state, None)


def change_bid(
    campaign_id: str,
    bid: Bid,
    *,
    actor: str,
    note: str | None = None,
    figures: Mapping[str, Any] | None = None,
    gateway: CampaignControl,
    book: CampaignBook,
    audit: AuditLog,
    clock: Clock,
) -> Campaign:
    """Set the bid at the platform, then record who and why (kind BID, ``CAMPAIGN_BID_CHANGED``)."""
    ref = locate(campaign_id, book=book)
    before = _last_known(ref, book)
    state = gateway.set_bid(ref, bid)
    _record(
        ref,
        ChangeKind.BID,
        before=before,
        state=state,
        actor=actor,
        reason=None,
        note=note,
        figures=figures or {},
        book=book,
        audit=audit,
        clock=clock,
    )
    return Campaign(state)


def roll_back_campaign(
    campaign_id: str,
    to: CampaignConfig,
    *,
    actor: str,
    reason: PauseReason | None = None,
    note: str | None = None,
    figures: Mapping[str, Any] | None = None,
    gateway: CampaignControl,
    book: CampaignBook,
    audit: AuditLog,
    clock: Clock,
) -> Campaign:
    """Return the campaign's budget and bid to ``to`` (its status stays): budget first, then bid,
    recorded as one ROLLED_BACK change (``CAMPAIGN_ROLLED_BACK``). If the bid fails after the
    budget went through, the budget step is recorded (kind BUDGET, same actor) and the error
    raised, so a retry finds the same target and finishes the rollback."""
    ref = locate(campaign_id, book=book)
    before = _last_known(ref, book)
    state = gateway.set_campaign_budget(ref, to.daily_budget)
    try:
        state = gateway.set_bid(ref, to.bid)
    except PlatformError:
        _record(
            ref,
            ChangeKind.BUDGET,
            before=before,
            state=state,
            actor=actor,
            reason=reason,
            note="rollback: budget restored, bid not yet",
            figures=figures or {},
            book=book,
            audit=audit,
            clock=clock,
        )
        raise
    _record(
        ref,
        ChangeKind.ROLLED_BACK,
        before=before,
        state=state,
        actor=actor,
        reason=reason,
        note=note,
        figures=figures or {},
        book=book,
        audit=audit,
        clock=clock,
    )
    return Campaign(state)


def locate(campaign_id: str, *, book: CampaignBook) -> CampaignRef:
    """The campaign's client and platform, from the book; CampaignNotFoundError if unseen."""
    check_campaign_id(campaign_id)
    ref = book.find(campaign_id)
    if ref is None:
        raise CampaignNotFoundError(campaign_id)
    return ref


def remember_created(state: CampaignState, *, actor: str, book: CampaignBook, clock: Clock) -> None:
    """Keep a campaign KIKI just created, with its creation as the first change."""
    now = clock.now()
    book.remember(state, at=now)
    book.record_change(
        CampaignChange(
            ref=state.ref,
            at=now,
            kind=ChangeKind.CREATED,
            actor=actor,
            before=None,
            after=CampaignConfig.of(state),
        )
    )


def _last_known(ref: CampaignRef, book: CampaignBook) -> CampaignConfig | None:
    for campaign in book.known(client_id=ref.client_id):
        if campaign.campaign_id == ref.campaign_id:
            return CampaignConfig.of(campaign.state)
    return None


def _record(
    ref: CampaignRef,
    kind: ChangeKind,
    *,
    before: CampaignConfig | None,
    state: CampaignState,
    actor: str,
    reason: PauseReason | None,
    note: str | None,
    figures: Mapping[str, Any],
    book: CampaignBook,
    audit: AuditLog,
    clock: Clock,
) -> None:
    now = clock.now()
    book.remember(state, at=now)
    book.record_change(
        CampaignChange(
            ref=ref,
            at=now,
            kind=kind,
            actor=actor,
            before=before,
            after=CampaignConfig.of(state),
            reason=reason,
            note=note,
            figures=figures,
        )
    )
    audit.append(
        AuditEvent(
            event_type=_EVENTS[kind],
            at=now,
            client_id=ref.client_id,
            campaign_id=ref.campaign_id,
            reason=reason.value if reason else note,
            metadata={
                "platform": ref.platform.value,
                "actor": actor,
                "note": note,
                "status": state.status.value,
                "figures": dict(figures),
            },
        )
    )
