"""A MarginGuardian pass over one client: read every account's campaigns, judge each active one
with the rules in force, act through the gateway, and remember.

Reads and writes are retried with exponential backoff on the injected clock. A platform that
still does not answer is *held*: its campaigns keep the configuration last read (cached in the
guardian's memory), nothing is decided from the missing data, and the next tick tries again,
so control resumes at the first tick after the platform answers. Every action is recorded in
the campaign's history with its rule and figures, audited, alerted (bid nudges excepted: one a
minute per campaign would drown the alerts) and counted in ``syncflow_guardian_actions_total``.

A platform that takes an action as a request it has not confirmed (ChangePendingError: a CSV
change file) is *requested*: audited and said as "requested, not yet confirmed", never as
done, and judged again next tick (asking again writes no second change). A platform that
offers no bid control (NotOfferedError) has its bid actions skipped for the pass, and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from kiki.campaigns.domain import CampaignConfig, CampaignState, CampaignStatus, PauseReason
from kiki.campaigns.ports import CampaignBook
from kiki.campaigns.services import change_bid, pause_campaign, roll_back_campaign
from kiki.core.clock import Clock
from kiki.core.platform import Platform
from kiki.platforms.errors import (
    ChangePendingError,
    NotOfferedError,
    PlatformError,
    PlatformUnavailableError,
)
from kiki.platforms.ports import CampaignReading, Gateway
from kiki.platforms.telemetry import Totals
from kiki.syncflow.domain.guardian.decide import (
    Action,
    ActionKind,
    Economics,
    Observation,
    Verdict,
    guard,
)
from kiki.syncflow.domain.guardian.economics import Counts
from kiki.syncflow.domain.guardian.memory import GuardMemory, held
from kiki.syncflow.domain.guardian.report import CampaignOutcome, GuardReport, Outcome
from kiki.syncflow.domain.guardian.rollback import rollback_target
from kiki.syncflow.domain.guardian.rules import GuardRule
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds
from kiki.syncflow.guardian_ports import GuardianMetrics, GuardMemoryStore
from kiki.syncflow.ports import ValueSource
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import DeliveryError
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog

LTV_LOOKBACK_DAYS = 90
SPEND_UNREADABLE = "GUARDIAN_SPEND_UNREADABLE"
BIDS_HELD = "GUARDIAN_BIDS_HELD"
CONTROL_RESUMED = "GUARDIAN_CONTROL_RESUMED"
CHANGE_REQUESTED = "GUARDIAN_CHANGE_REQUESTED"
NOT_OFFERED = "GUARDIAN_NOT_OFFERED"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GuardWindows:
    price_s: float = 300.0  # the last few minutes: the price a campaign pays now (from memory)
    funnel_s: float = 14 * 86_400.0  # long enough to hold the conversions a funnel needs


@dataclass(frozen=True, slots=True)
class Retry:
    attempts: int = 3
    backoff_s: float = 0.5  # doubled after each failed attempt


def guard_client(
    client_id: str,
    *,
    gateway: Gateway,
    values: ValueSource,
    thresholds: GuardianThresholds,
    rules: frozenset[GuardRule],
    memory: GuardMemoryStore,
    book: CampaignBook,
    audit: AuditLog,
    notifier: Notifier,
    metrics: GuardianMetrics,
    clock: Clock,
    windows: GuardWindows = GuardWindows(),  # frozen, so a shared default is safe
    retry: Retry = Retry(),
) -> GuardReport:
    """One pass; UnknownClientError if the gateway knows no accounts for the client."""
    pass_ = _Pass(
        client_id=client_id,
        gateway=gateway,
        book=book,
        audit=audit,
        notifier=notifier,
        metrics=metrics,
        clock=clock,
        retry=retry,
    )
    now = clock.now()
    memories = memory.load(client_id)
    updated: dict[str, GuardMemory] = {}
    outcomes: list[CampaignOutcome] = []
    held_platforms: list[Platform] = []
    for platform in gateway.platforms(client_id):
        try:
            readings = pass_.read(platform, windows.funnel_s)
        except PlatformUnavailableError as exc:
            held_platforms.append(platform)
            outcomes += pass_.hold(platform, memories, updated, now, str(exc))
            continue
        pass_.recovered(platform, memories, now)
        economics = Economics(
            values.platform_ltv(client_id, platform, lookback_days=LTV_LOOKBACK_DAYS, as_of=now),
            thresholds,
            rules,
            windows.price_s,
        )
        for reading in readings:
            state = reading.state
            book.remember(state, at=now)
            observation = _observe(reading)
            before = memories.get(state.campaign_id, GuardMemory())
            verdict = guard(observation, before, economics, now=now)
            outcome, keep = pass_.act(state, verdict, before)
            updated[state.campaign_id] = keep
            outcomes.append(outcome)
    memory.save(client_id, updated, at=now)
    return GuardReport(client_id, now, tuple(outcomes), tuple(held_platforms))


def _observe(reading: CampaignReading) -> Observation:
    """Today's totals and the funnel window's, from one read with the funnel window."""
    state = reading.state
    if reading.telemetry is None:
        return Observation(state, state.created_at, None, None, reading.problem or "no figures")
    t = reading.telemetry
    return Observation(state, t.as_of, _counts(t.today), _counts(t.window))


def _counts(totals: Totals) -> Counts:
    return Counts(totals.spend.micros, totals.impressions, totals.clicks, totals.conversions)


class _Pass:
    """The effects of one pass: calls with retries, actions, alerts, audit, metrics."""

    def __init__(
        self,
        *,
        client_id: str,
        gateway: Gateway,
        book: CampaignBook,
        audit: AuditLog,
        notifier: Notifier,
        metrics: GuardianMetrics,
        clock: Clock,
        retry: Retry,
    ) -> None:
        self.client_id = client_id
        self.gateway = gateway
        self.book = book
        self.audit = audit
        self.notifier = notifier
        self.metrics = metrics
        self.clock = clock
        self.retry = retry
        self.no_bids: set[Platform] = set()

    def read(self, platform: Platform, window_s: float) -> list[CampaignReading]:
        return self._retried(
            lambda: self.gateway.read_campaigns(self.client_id, platform, window_s=window_s)
        )

    def _retried(self, call: Callable[[], T]) -> T:
        for attempt in range(self.retry.attempts):
            try:
                return call()
            except PlatformUnavailableError:
                if attempt + 1 >= self.retry.attempts:
                    raise
                self.clock.sleep(self.retry.backoff_s * 2**attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    # -- a platform that does not answer ---------------------------------------------------
    def hold(
        self,
        platform: Platform,
        memories: Mapping[str, GuardMemory],
        updated: dict[str, GuardMemory],
        now: datetime,
        why: str,
    ) -> list[CampaignOutcome]:
        outcomes = []
        newly = False
        for campaign in self.book.known(client_id=self.client_id):
            state = campaign.state
            if state.platform is not platform or state.status is CampaignStatus.REMOVED:
                continue
            before = memories.get(state.campaign_id, GuardMemory())
            newly = newly or before.held_since is None
            updated[state.campaign_id] = held(before, now)
            cached = before.config or CampaignConfig.of(state)
            outcomes.append(
                CampaignOutcome(
                    self.client_id,
                    platform,
                    state.campaign_id,
                    state.name,
                    Outcome.HELD,
                    f"cached configuration held: {why}",
                    config=cached,
                    figures={"held_since": (before.held_since or now).isoformat()},
                )
            )
        if newly:
            self._tell(
                Severity.WARNING,
                "Platform API unavailable: bids held",
                f"{platform.display_name} is not answering for {self.client_id}: its campaigns "
                "keep their last known bids and budgets; nothing is changed from missing data.",
                BIDS_HELD,
                {"platform": platform.value, "error": why},
            )
        return outcomes

    def recovered(
        self, platform: Platform, memories: Mapping[str, GuardMemory], now: datetime
    ) -> None:
        held_here = [
            memories[c.state.campaign_id].held_since
            for c in self.book.known(client_id=self.client_id)
            if c.state.platform is platform and c.state.campaign_id in memories
        ]
        if not any(held_here):
            return
        first = min(s for s in held_here if s is not None)
        self._tell(
            Severity.INFO,
            "Platform API answering again: control resumed",
            f"{platform.display_name} answers again for {self.client_id} "
            f"(unavailable for {(now - first).total_seconds():.0f} s).",
            CONTROL_RESUMED,
            {"platform": platform.value, "held_since": first.isoformat()},
        )

    # -- one campaign ----------------------------------------------------------------------
    def act(
        self, state: CampaignState, verdict: Verdict, before: GuardMemory
    ) -> tuple[CampaignOutcome, GuardMemory]:
        """The outcome, and the memory to keep: the verdict's, or (when the platform refused the
        action) the memory before this tick, so that the next tick decides it again."""
        action = verdict.action
        if action is None:
            kind = Outcome.WATCHED if state.status is CampaignStatus.ACTIVE else Outcome.SKIPPED
            detail = "; ".join(f"{k}: {v}" for k, v in verdict.checks.items())
            return self._outcome(state, kind, detail, figures=verdict.checks), verdict.memory
        if action.kind is ActionKind.SET_BID and state.platform in self.no_bids:
            text = f"{action.detail}: skipped, {state.platform.display_name} offers no bids"
            return self._outcome(state, Outcome.SKIPPED, text, action=action), before
        try:
            outcome = self._apply(state, action)
        except ChangePendingError as exc:
            return self._requested(state, action, exc), before
        except NotOfferedError as exc:
            return self._not_offered(state, action, exc), before
        except PlatformError as exc:
            failed = self._outcome(state, Outcome.FAILED, f"{action.detail}: {exc}", action=action)
            return failed, before
        self.metrics.count_guardian_action(action.rule.value)
        return outcome, replace(verdict.memory, config=outcome.config)  # cache what is now true

    def _apply(self, state: CampaignState, action: Action) -> CampaignOutcome:
        figures = dict(action.figures) | {"rule": action.rule.value, "detail": action.detail}
        common: dict[str, Any] = {
            "actor": action.rule.value,
            "figures": figures,
            "gateway": self.gateway,
            "book": self.book,
            "audit": self.audit,
            "clock": self.clock,
        }
        if action.kind is ActionKind.FLAG:
            self._tell(
                Severity.WARNING,
                "Campaign spend unreadable",
                self._sentence(state, f"flagged: {action.detail}"),
                SPEND_UNREADABLE,
                figures,
                campaign_id=state.campaign_id,
            )
            return self._outcome(state, Outcome.FLAGGED, action.detail, action=action)
        if action.kind is ActionKind.SET_BID and action.bid is not None:
            bid = action.bid
            done = self._retried(lambda: change_bid(state.campaign_id, bid, **common))
            return self._outcome(
                state, Outcome.BID_CHANGED, action.detail, action=action, now=done.state
            )
        reason = action.reason or PauseReason.MARGIN_GUARDIAN
        if action.kind is ActionKind.ROLL_BACK:
            target = rollback_target(self.book.history(state.campaign_id))
            if target is not None:
                to = target
                done = self._retried(
                    lambda: roll_back_campaign(state.campaign_id, to, reason=reason, **common)
                )
                text = (
                    f"rolled back to budget {to.daily_budget.format()} and bid "
                    f"{_bid_text(to)}: {action.detail}"
                )
                self._tell(
                    Severity.WARNING,
                    "MarginGuardian: campaign rolled back",
                    self._sentence(state, text),
                    None,
                    figures,
                )
                return self._outcome(
                    state, Outcome.ROLLED_BACK, text, action=action, now=done.state
                )
        done = self._retried(lambda: pause_campaign(state.campaign_id, reason, **common))
        severity = Severity.CRITICAL if reason is PauseReason.BUDGET_OVERRUN else Severity.WARNING
        text = f"paused ({reason.value}): {action.detail}"
        self._tell(
            severity, "MarginGuardian: campaign paused", self._sentence(state, text), None, figures
        )
        return self._outcome(state, Outcome.PAUSED, text, action=action, now=done.state)

    def _requested(
        self, state: CampaignState, action: Action, exc: ChangePendingError
    ) -> CampaignOutcome:
        """The action is asked of the platform, not confirmed: say so, never as done."""
        figures = dict(action.figures) | {"rule": action.rule.value, "detail": action.detail}
        text = f"{action.kind.value} requested, not yet confirmed: {action.detail} ({exc})"
        severity = (
            Severity.CRITICAL if action.reason is PauseReason.BUDGET_OVERRUN else Severity.WARNING
        )
        self._tell(
            severity,
            "MarginGuardian: change requested, not yet confirmed",
            self._sentence(state, text),
            CHANGE_REQUESTED,
            figures | {"platform": state.platform.value, "action": action.kind.value},
            campaign_id=state.campaign_id,
        )
        return self._outcome(state, Outcome.REQUESTED, text, action=action)

    def _not_offered(
        self, state: CampaignState, action: Action, exc: NotOfferedError
    ) -> CampaignOutcome:
        """The platform has no such control: skip it there for this pass, and say so once."""
        if action.kind is ActionKind.SET_BID:
            self.no_bids.add(state.platform)
        self.audit.append(
            AuditEvent(
                NOT_OFFERED,
                self.clock.now(),
                self.client_id,
                state.campaign_id,
                reason=str(exc),
                metadata={"platform": state.platform.value, "action": action.kind.value},
            )
        )
        text = f"{action.detail}: skipped, {exc}"
        return self._outcome(state, Outcome.SKIPPED, text, action=action)

    def _sentence(self, state: CampaignState, text: str) -> str:
        return f"{state.platform.display_name} campaign {state.name!r} of {self.client_id} {text}"

    def _outcome(
        self,
        state: CampaignState,
        kind: Outcome,
        detail: str,
        *,
        action: Action | None = None,
        now: CampaignState | None = None,
        figures: Mapping[str, Any] | None = None,
    ) -> CampaignOutcome:
        return CampaignOutcome(
            self.client_id,
            state.platform,
            state.campaign_id,
            state.name,
            kind,
            detail,
            rule=None if action is None else action.rule,
            reason=None if action is None else action.reason,
            config=CampaignConfig.of(now or state),
            figures=dict(figures if figures is not None else (action.figures if action else {})),
        )

    def _tell(
        self,
        severity: Severity,
        title: str,
        message: str,
        event_type: str | None,
        details: Mapping[str, Any],
        *,
        campaign_id: str | None = None,
    ) -> None:
        """Alert, and audit the event when no campaign change already did."""
        if event_type is not None:
            self.audit.append(
                AuditEvent(
                    event_type,
                    self.clock.now(),
                    self.client_id,
                    campaign_id,
                    reason=title,
                    metadata=dict(details),
                )
            )
        try:
            self.notifier.send(Alert(severity, title, message, self.client_id, dict(details)))
        except DeliveryError as exc:
            self.audit.append(
                AuditEvent(
                    "ALERT_UNDELIVERED",
                    self.clock.now(),
                    self.client_id,
                    campaign_id,
                    reason=str(exc),
                    metadata={"title": title},
                )
            )


def _bid_text(config: CampaignConfig) -> str:
    bid = config.bid
    return (
        bid.strategy.value if bid.amount is None else f"{bid.strategy.value} {bid.amount.format()}"
    )
