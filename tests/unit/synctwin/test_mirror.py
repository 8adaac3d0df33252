"""The mirror over the whole application (SQLite, the sandbox, a virtual clock): exactly one
rollback per campaign whatever the duplicates, late events and restarts; the upside rule in
both modes; unknown campaigns and campaigns launched outside the gate."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kiki.campaigns.domain import CampaignStatus, PauseReason
from kiki.campaigns.projection import Projection
from kiki.platforms.sandbox.store import SandboxStore
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.mirror import EventBatch, MirrorAction, MirrorEvent
from kiki.testing import Harness

M = 1_000_000
DAY = 86_400.0
CLIENT = "acme"
WARMUP = {"mirror_warmup_s": DAY, "mirror_min_spend": 0, "mirror_min_conversions": 0}


def harness(tmp_path: Path, store: SandboxStore | None = None, **settings: object) -> Harness:
    return Harness.build(
        tmp_path,
        database_url=f"sqlite:///{tmp_path}/kiki.sqlite3",
        sandbox_store=store,
        **{**WARMUP, **settings},
    )


def launch(h: Harness) -> tuple[str, Projection]:
    h.open_client(CLIENT)
    h.services.record_baseline(
        CLIENT,
        Baseline.from_dict(
            {"avg_order_value": "85", "monthly_revenue": "60000", "monthly_ad_spend": "20000"}
        ),
    )
    strategy = Strategy.from_dict({"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"})
    outcome = h.services.launch(CLIENT, strategy)
    assert outcome.approved
    assert outcome.campaign_id is not None
    assert outcome.mirrored is not None
    return outcome.campaign_id, outcome.mirrored


class Feed:
    """Events for one campaign at a share of its time-aligned projection."""

    def __init__(self, h: Harness, campaign_id: str, projection: Projection) -> None:
        self.h, self.campaign_id, self.projection = h, campaign_id, projection
        self.sequence = 0

    def event(self, *, day: float, ratio: float, sequence: int | None = None) -> MirrorEvent:
        if sequence is None:
            self.sequence += 1
            sequence = self.sequence
        at = self.projection.started_at.timestamp() + day * DAY
        share = day / self.projection.days
        return MirrorEvent(
            self.campaign_id,
            sequence,
            round(self.projection.spend_micros * share),
            self.projection.conversions * share,
            round(self.projection.revenue_micros * share * ratio),
            at,
        )

    def send(self, *events: MirrorEvent) -> list[MirrorAction]:
        decided = self.h.services.mirror_events(EventBatch.of(list(events)))
        return [d.action for d in decided.decisions()]


def rollbacks(h: Harness) -> tuple[int, int, int]:
    audit = h.services.ports.audit
    return (
        len(audit.entries(event_type="AUTO_ROLLBACK_TRIGGERED")),
        len(audit.entries(event_type="CAMPAIGN_PAUSED")),
        len([a for a in h.alerts.alerts if a.title.startswith("Auto-Rollback Triggered")]),
    )


def test_a_shortfall_after_warm_up_rolls_back_exactly_once(tmp_path: Path) -> None:
    h = harness(tmp_path)
    campaign_id, projection = launch(h)
    feed = Feed(h, campaign_id, projection)
    assert feed.send(feed.event(day=0.5, ratio=0.5)) == [MirrorAction.WARMING_UP]
    on_track = [feed.event(day=1 + i / 10, ratio=r) for i, r in enumerate((0.96, 1.04, 0.98))]
    assert feed.send(*on_track) == [MirrorAction.NONE] * 3
    assert rollbacks(h) == (0, 0, 0)

    assert feed.send(feed.event(day=2, ratio=0.8)) == [MirrorAction.ROLLED_BACK]
    assert rollbacks(h) == (1, 1, 1)
    [campaign] = [c for c in h.services.campaigns(CLIENT).campaigns if c.campaign_id == campaign_id]
    assert campaign.state.status is CampaignStatus.PAUSED
    assert campaign.pause_reason is PauseReason.SYNCTWIN_DEVIATION_THRESHOLD
    [entry] = h.services.ports.audit.entries(event_type="AUTO_ROLLBACK_TRIGGERED")
    assert {"deviation", "real_revenue_micros", "projected_revenue_micros", "threshold"} <= set(
        entry.event.metadata
    )
    assert entry.event.metadata["deviation"] < -0.15
    [alert] = h.alerts.alerts
    assert alert.title == f"Auto-Rollback Triggered: {campaign_id}"
    assert alert.severity.value == "WARNING"
    assert alert.details["action"] == "PAUSED"

    rng = np.random.default_rng(1)
    later = []
    for _ in range(1_000):
        kind = rng.integers(3)
        if kind == 0:  # a duplicate
            later.append(feed.event(day=2, ratio=0.8, sequence=feed.sequence))
        elif kind == 1:  # an older sequence number
            later.append(
                feed.event(day=1.5, ratio=0.5, sequence=int(rng.integers(1, feed.sequence)))
            )
        else:
            later.append(feed.event(day=2 + len(later) / 1_000, ratio=0.7))
    actions = feed.send(*later[:500]) + [a for e in later[500:] for a in feed.send(e)]
    assert MirrorAction.ROLLED_BACK not in actions
    assert set(actions) == {MirrorAction.ALREADY_ROLLED_BACK, MirrorAction.IGNORED_STALE}
    assert rollbacks(h) == (1, 1, 1)
    assert (
        h.services.ports.metrics.value(  # type: ignore[attr-defined]
            "synctwin_mirror_rollbacks_total", {"mode": "downside"}
        )
        == 1.0
    )
    metrics = h.services.ports.metrics
    judged = metrics.value("synctwin_mirror_deviation_bucket", {"le": "+Inf"})  # type: ignore[attr-defined]
    assert judged == 4 + actions.count(MirrorAction.ALREADY_ROLLED_BACK)  # taken, past warm-up
    assert metrics.value("synctwin_mirror_deviation_bucket", {"le": "-0.15"}) >= 1  # type: ignore[attr-defined]
    [verdict] = h.services.mirror_verdicts()
    assert (verdict.campaign_id, verdict.action) == (campaign_id, MirrorAction.ROLLED_BACK)
    assert verdict.settled_at is not None


def test_a_restart_between_the_crossing_and_the_next_events_rolls_back_nothing_more(
    tmp_path: Path,
) -> None:
    h = harness(tmp_path)
    campaign_id, projection = launch(h)
    feed = Feed(h, campaign_id, projection)
    assert feed.send(feed.event(day=2, ratio=0.8)) == [MirrorAction.ROLLED_BACK]
    store = h.services.ports.sandbox._store  # type: ignore[union-attr]  # the platform's state
    h.close()

    again = harness(tmp_path, store)  # a new process: nothing in memory, the same database
    feed.h = again
    feed.sequence = 0  # and the in-process sequences forgotten too
    actions = feed.send(*(feed.event(day=2 + i / 10, ratio=0.7) for i in range(20)))
    assert set(actions) == {MirrorAction.ALREADY_ROLLED_BACK}
    assert rollbacks(again) == (1, 1, 0)  # the audit is the earlier run's; no new alert
    assert len(again.services.ports.audit.entries(event_type="CAMPAIGN_PAUSED")) == 1


def test_the_upside_alerts_once_by_default_and_pauses_in_two_sided_mode(tmp_path: Path) -> None:
    h = harness(tmp_path / "a")
    campaign_id, projection = launch(h)
    feed = Feed(h, campaign_id, projection)
    actions = feed.send(*(feed.event(day=2 + i / 10, ratio=1.3) for i in range(5)))
    assert actions == [MirrorAction.ALERTED] + [MirrorAction.NONE] * 4
    assert [a.title for a in h.alerts.alerts] == [f"Projection stale: {campaign_id}"]
    assert rollbacks(h) == (0, 0, 0)

    two = harness(tmp_path / "b", deviation_mode="two_sided")
    campaign_id, projection = launch(two)
    feed = Feed(two, campaign_id, projection)
    assert feed.send(feed.event(day=2, ratio=1.3)) == [MirrorAction.ROLLED_BACK]
    assert rollbacks(two) == (1, 1, 1)


def test_unknown_campaigns_and_campaigns_launched_outside_the_gate(tmp_path: Path) -> None:
    h = harness(tmp_path)
    campaign_id, projection = launch(h)
    outside = next(
        c.campaign_id
        for c in h.services.campaigns(CLIENT).campaigns
        if c.campaign_id != campaign_id
    )
    assert (
        next(
            c.projection for c in h.services.campaigns(CLIENT).campaigns if c.campaign_id == outside
        )
        is None
    )
    feed = Feed(h, outside, projection)
    actions = feed.send(*(feed.event(day=2 + i, ratio=0.1) for i in range(5)))
    assert actions == [MirrorAction.NONE] * 5  # watched, never rolled back
    assert h.services.ports.mirror_state.state(outside) is not None
    ghost = Feed(h, "no-such-campaign", projection)
    assert ghost.send(ghost.event(day=2, ratio=0.1)) == [MirrorAction.UNKNOWN_CAMPAIGN]
    mine = Feed(h, campaign_id, projection)
    decided = h.services.mirror_events(
        EventBatch.of([mine.event(day=2, ratio=0.1)]), clients={"another-client"}
    )
    assert [d.action for d in decided.decisions()] == [MirrorAction.UNKNOWN_CAMPAIGN]
    assert rollbacks(h) == (0, 0, 0)


def test_the_campaign_list_shows_the_projection_stored_at_approval(tmp_path: Path) -> None:
    h = harness(tmp_path)
    campaign_id, projection = launch(h)
    [listed] = [c for c in h.services.campaigns(CLIENT).campaigns if c.campaign_id == campaign_id]
    assert listed.projection == projection
    assert projection.days == 30
    assert projection.started_at == h.clock.now()
    assert projection.conversions == 1_000.0


def test_twin_launch_and_campaigns_list_json_show_the_projection(tmp_path: Path) -> None:
    from kiki.views import campaigns as campaigns_view
    from kiki.views import twin as twin_view

    h = harness(tmp_path)
    campaign_id, projection = launch(h)
    listed = h.services.campaigns(CLIENT).campaigns
    shown = {c["campaign_id"]: c for c in map(campaigns_view.campaign, listed)}
    expected = {
        "started_at": projection.started_at.isoformat(),
        "days": 30,
        "revenue_micros": projection.revenue_micros,
        "spend_micros": projection.spend_micros,
        "conversions": 1_000.0,
    }
    assert shown[campaign_id]["projection"] == expected
    assert [c["projection"] for i, c in shown.items() if i != campaign_id] == [None] * (
        len(shown) - 1
    )
    [decision] = h.services.ports.gate_decisions.decisions(client_id=CLIENT)
    assert decision.campaign_id == campaign_id
    outcome = h.services.launch(
        CLIENT,
        Strategy.from_dict({"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"}),
    )
    body = twin_view.launch(outcome)
    assert set(body["projection"]) == set(expected)
    assert body["projection"]["days"] == 30


def test_the_publisher_sends_every_live_campaign_numbered_by_its_reading(tmp_path: Path) -> None:
    h = harness(tmp_path)
    campaign_id, _ = launch(h)
    h.clock.advance(3_600)
    first = h.services.publish_mirror()
    live = [c for c in h.services.campaigns(CLIENT).campaigns if c.state.status.value == "ACTIVE"]
    assert first.events == len(live)
    assert first.actions == {"NONE": len(live) - 1, "WARMING_UP": 1}  # the rest: no projection
    state = h.services.ports.mirror_state.state(campaign_id)
    assert state is not None
    assert state.sequence == int(h.clock.now().timestamp() * 1_000_000)
    assert state.spend_micros > 0
    again = h.services.publish_mirror()  # the same readings: duplicates
    assert again.actions == {"IGNORED_STALE": len(live)}
