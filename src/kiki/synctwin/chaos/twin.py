"""One twin: a copy of a campaign in its own sandbox on its own virtual clock, guarded by the
same ``guard_client`` the live service runs, with in-process stores and no live port at all.

The gateway the guardian sees counts its calls, so a scenario can tell reads from writes and
show that nothing was written blind while the platform was down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kiki.campaigns.domain import Bid, CampaignRef, CampaignState, PauseReason
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.platforms.sandbox.ports import AccountSpec
from kiki.platforms.sandbox.twin import load_campaign
from kiki.syncflow.domain.guardian.report import GuardReport
from kiki.syncflow.services.guard_campaigns import GuardWindows, guard_client
from kiki.syncnotify.recording import RecordingNotifier
from kiki.synctwin.chaos.copies import CampaignCopy
from kiki.synctwin.chaos.ports import ScenarioPlan, TwinWorlds

TWIN_RETENTION_HOURS = 40 * 24


@dataclass
class CallCounts:
    reads: int = 0
    writes: int = 0
    write_calls: list[str] = field(default_factory=list)


class CountingGateway:
    """Implements Gateway over the twin's SandboxPlatform, counting reads and writes."""

    def __init__(self, platform: SandboxPlatform) -> None:
        self._platform = platform
        self.counts = CallCounts()

    def platforms(self, client_id: str) -> list[Platform]:
        return self._platform.platforms(client_id)

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> PlatformReading:
        self.counts.reads += 1
        return self._platform.read(client_id, platform, window_s=window_s)

    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        self.counts.reads += 1
        return self._platform.read_campaigns(client_id, platform, window_s=window_s)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        self._wrote("set_daily_budget")
        self._platform.set_daily_budget(client_id, platform, budget)

    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        self._wrote("create_campaign")
        return self._platform.create_campaign(
            client_id, platform, name=name, daily_budget=daily_budget, bid=bid
        )

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        self._wrote("set_campaign_budget")
        return self._platform.set_campaign_budget(ref, budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        self._wrote("set_bid")
        return self._platform.set_bid(ref, bid)

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:
        self._wrote("pause")
        return self._platform.pause(ref, reason)

    def resume(self, ref: CampaignRef) -> CampaignState:
        self._wrote("resume")
        return self._platform.resume(ref)

    def _wrote(self, name: str) -> None:
        self.counts.writes += 1
        self.counts.write_calls.append(name)


class _NoMetrics:
    """A twin's actions are not live actions: they are not counted in the live metrics."""

    def count_guardian_action(self, rule: str) -> None:
        pass


class _FixedValues:
    """The copy's LTV, as the live values policy gave it at the copy."""

    def __init__(self, ltv: Money | None) -> None:
        self._ltv = ltv

    def platform_ltv(
        self,
        client_id: str,  # noqa: ARG002  # one campaign, one LTV
        platform: Platform,  # noqa: ARG002
        *,
        lookback_days: int,  # noqa: ARG002
        as_of: datetime,  # noqa: ARG002
    ) -> Money | None:
        return self._ltv

    def platform_cac(
        self,
        client_id: str,  # noqa: ARG002
        platform: Platform,  # noqa: ARG002
        *,
        lookback_days: int,  # noqa: ARG002
        as_of: datetime,  # noqa: ARG002
    ) -> Money | None:
        return None


class Twin:
    def __init__(
        self, copy: CampaignCopy, plan: ScenarioPlan, worlds: TwinWorlds, *, day_start: datetime
    ) -> None:
        self.copy = copy
        self.plan = plan
        self.client_id = copy.state.client_id
        self.day_start = day_start
        self.clock = VirtualClock(day_start)
        store = worlds.sandbox_store()
        self.platform = SandboxPlatform(store, self.clock, retention_hours=TWIN_RETENTION_HOURS)
        self.gateway = CountingGateway(self.platform)
        rates = copy.rates
        spec = AccountSpec(
            daily_budget=copy.state.daily_budget,
            cpm=Money(max(1, rates.cpm_micros)),
            ctr=rates.ctr,
            cvr=rates.cvr,
            ltv=copy.ltv or Money.zero(),
            aov=Money(max(1, rates.order_value_micros)),
        )
        load_campaign(
            store,
            copy.state,
            spec=spec,
            history=copy.history,
            day_start=day_start,
        )
        self.book = worlds.campaign_book()
        for change in copy.changes:
            self.book.record_change(change)
        self.book.remember(copy.state, at=day_start)
        self.memory = worlds.guard_memory()
        self.audit = worlds.audit_log()
        self.alerts = RecordingNotifier()
        self.reports: list[GuardReport] = []

    def at(self, seconds_after_start: float) -> datetime:
        return self.day_start + timedelta(seconds=seconds_after_start)

    def advance_to(self, seconds_after_start: float) -> None:
        gap = (self.at(seconds_after_start) - self.clock.now()).total_seconds()
        if gap > 0:
            self.clock.advance(gap)

    def tick(self) -> GuardReport:
        report = guard_client(
            self.client_id,
            gateway=self.gateway,
            values=_FixedValues(self.copy.ltv),
            thresholds=self.copy.thresholds,
            rules=self.plan.rules,
            memory=self.memory,
            book=self.book,
            audit=self.audit,
            notifier=self.alerts,
            metrics=_NoMetrics(),
            clock=self.clock,
            windows=GuardWindows(self.plan.price_window_s, self.plan.funnel_window_s),
        )
        self.reports.append(report)
        return report

    def campaign(self) -> CampaignState:
        """The campaign as the twin's platform holds it (its controls, not the gateway)."""
        view = self.platform.show(self.client_id, window_s=3600.0)
        return next(c.state for c in view.campaigns if c.campaign_id == self.copy.state.campaign_id)
