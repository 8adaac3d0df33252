"""MarginGuardian on a platform that takes changes as requests (the CSV gateway) or offers no
bid control: a requested pause is said as requested, never as done; bids are skipped, said."""

from __future__ import annotations

from kiki.campaigns.domain import Bid, BidStrategy, CampaignRef, CampaignState, PauseReason
from kiki.campaigns.services import change_bid
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import ChangePendingError, NotOfferedError
from kiki.platforms.ports import Gateway
from kiki.syncflow.domain.guardian.report import GuardReport, Outcome
from kiki.syncflow.domain.guardian.rules import ALL_RULES
from kiki.syncflow.services.guard_campaigns import guard_client
from kiki.testing import Harness
from tests.unit.syncflow.test_guardian_sandbox import CLIENT, seed_harness, the_campaign


class ByRequest:
    """The sandbox's gateway, but a pause is a request a person has not uploaded yet, and bids
    are not offered at all."""

    def __init__(self, inner: Gateway) -> None:
        self._inner = inner
        self.pauses: list[CampaignRef] = []
        self.bids: list[CampaignRef] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:
        self.pauses.append(ref)
        raise ChangePendingError(ref.platform, f"status ACTIVE → PAUSED ({reason.value})")

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        self.bids.append(ref)
        raise NotOfferedError(ref.platform, "bid control", "its exports carry no bid column")


def guard(h: Harness, gateway: ByRequest) -> GuardReport:
    p = h.services.ports
    h.clock.advance(60)
    return guard_client(
        CLIENT,
        gateway=gateway,  # type: ignore[arg-type]
        values=h.services.values,
        thresholds=p.guardian_settings.get(CLIENT),
        rules=ALL_RULES,
        memory=p.guardian_memory,
        book=p.campaigns,
        audit=p.audit,
        notifier=p.notifier,
        metrics=p.metrics,
        clock=p.clock,
    )


def test_a_requested_pause_is_audited_and_said_as_not_yet_confirmed() -> None:
    h = seed_harness()
    gateway = ByRequest(h.services.ports.gateway)
    for _ in range(5):
        guard(h, gateway)
    h.sandbox.shock(CLIENT, Platform.META, cpm_factor=1.5)
    outcomes = [guard(h, gateway).outcomes[0] for _ in range(10)]
    requested = [o for o in outcomes if o.outcome is Outcome.REQUESTED]
    assert requested, [o.outcome for o in outcomes]
    assert Outcome.PAUSED not in {o.outcome for o in outcomes}  # never said as done
    assert "requested, not yet confirmed" in requested[0].detail
    p = h.services.ports
    assert p.audit.entries(event_type="GUARDIAN_CHANGE_REQUESTED")
    assert p.audit.entries(event_type="CAMPAIGN_PAUSED") == []
    titles = [a.title for a in h.alerts.alerts]
    assert "MarginGuardian: change requested, not yet confirmed" in titles
    assert "MarginGuardian: campaign paused" not in titles
    # the campaign is still active at the platform, and the guardian asks again next tick
    assert h.sandbox.show(CLIENT, window_s=3600).campaigns[0].state.status.value == "ACTIVE"
    assert len(gateway.pauses) == len(requested)


def test_bid_actions_on_a_platform_without_bids_are_skipped_and_said() -> None:
    h = seed_harness()
    p = h.services.ports
    guard(h, ByRequest(p.gateway))
    change_bid(
        the_campaign(h),
        Bid(BidStrategy.TARGET_CPA, Money(4_200_000)),
        actor="MANUAL",
        gateway=p.gateway,
        book=p.campaigns,
        audit=p.audit,
        clock=p.clock,
    )
    gateway = ByRequest(p.gateway)
    outcome = guard(h, gateway).outcomes[0]  # the bid controller would move 4.20 → 4.62
    assert outcome.outcome is Outcome.SKIPPED
    assert "does not offer bid control" in outcome.detail
    [entry] = p.audit.entries(event_type="GUARDIAN_NOT_OFFERED")
    assert entry.event.metadata["platform"] == "PLATFORM_META"
    assert h.sandbox.show(CLIENT, window_s=3600).campaigns[0].state.bid.micros == 4_200_000
