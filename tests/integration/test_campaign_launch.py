"""The launch flow through the gate on real SQLite and PostgreSQL, with the sandbox market."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.memory.baselines import InMemoryBaselineSource
from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.adapters.prometheus import PrometheusMetrics
from kiki.adapters.sql.audit import SqlAuditLog
from kiki.adapters.sql.campaign_book import SqlCampaignBook
from kiki.adapters.sql.gate_decisions import SqlBaselineSource, SqlGateDecisionStore
from kiki.campaigns.domain import BidStrategy, CampaignStatus, ChangeKind
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import UnknownClientError
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import simulate
from kiki.synctwin.errors import NoBaselineError
from kiki.synctwin.services.gatekeeper import SimulationGatekeeper
from kiki.synctwin.services.launch_campaign import LaunchOutcome, launch_campaign
from kiki.synctwin.services.shadow import import_outcomes, shadow_report

BASELINE = Baseline.from_dict(
    {"avg_order_value": "85", "monthly_revenue": "60000", "monthly_ad_spend": "20000"}
)
GOOD = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800", "name": "Spring promo"}
LOSING = {"audience_size": 20_000, "cvr": 0.02, "daily_budget": "800", "platform": "tiktok"}


class World:
    def __init__(self, engine: Engine) -> None:
        self.clock = VirtualClock()
        self.market = SandboxPlatform(InMemorySandboxStore(), self.clock)
        self.market.open_client("acme", demo_accounts())
        self.book = SqlCampaignBook(engine)
        self.baselines = InMemoryBaselineSource({"acme": BASELINE})
        self.store = SqlGateDecisionStore(engine)
        self.audit = SqlAuditLog(engine)
        self.metrics = PrometheusMetrics()
        self.gatekeeper = SimulationGatekeeper(
            baselines=self.baselines, clock=self.clock, metrics=self.metrics
        )

    def launch(self, strategy: dict[str, object], client: str = "acme") -> LaunchOutcome:
        return launch_campaign(
            client,
            strategy,
            gatekeeper=self.gatekeeper,
            campaigns=self.market,
            book=self.book,
            store=self.store,
            audit=self.audit,
        )

    def launched(self) -> list[str]:
        """Campaigns at the sandbox other than the always-on ones it opened with."""
        view = self.market.show("acme", window_s=3600)
        return [c.campaign_id for c in view.campaigns if "always-on" not in c.state.name]


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)


def test_approved_strategy_launches_stores_projection_and_audits(world: World) -> None:
    launched = world.launch(GOOD)
    assert launched.approved
    assert launched.message == "approved and launched"
    campaign = launched.campaign
    assert campaign is not None
    assert world.launched() == [campaign.campaign_id]
    assert (campaign.client_id, campaign.platform, campaign.name) == (
        "acme",
        Platform.META,
        "Spring promo",
    )
    assert (campaign.status, campaign.bid.strategy) == (
        CampaignStatus.ACTIVE,
        BidStrategy.AUTOMATIC,
    )
    assert campaign.daily_budget == Money(800_000_000)
    [created] = world.book.history(campaign.campaign_id)
    assert (created.kind, created.actor) == (ChangeKind.CREATED, "twin launch")
    [decision] = world.store.decisions(client_id="acme")
    assert decision.approved
    assert decision.campaign_id == campaign.campaign_id
    assert decision.strategy == Strategy.from_dict(GOOD)
    assert decision.baseline == BASELINE
    projection = world.store.projection(campaign.campaign_id)
    assert len(projection) == 30
    assert projection[0].revenue == Money(2_833_333_333)  # 85 000 / 30, half to even
    assert projection[-1].revenue == Money(85_000_000_000)
    assert projection[-1].spend == Money(24_000_000_000)
    [entry] = world.audit.entries(client_id="acme")
    assert entry.event.event_type == "CAMPAIGN_APPROVED"
    assert entry.event.campaign_id == campaign.campaign_id
    assert entry.event.metadata["confidence_score"] == round(decision.confidence, 3)
    assert entry.event.metadata["seed"] == decision.seed
    assert world.audit.verify().ok
    assert world.metrics.value("synctwin_gate_decisions_total", {"outcome": "approved"}) == 1
    assert world.metrics.value("synctwin_simulations_total") == 10_000


def test_a_rejection_is_an_answer_with_the_seeds_message_kept_and_nothing_launched(
    world: World,
) -> None:
    rejected = world.launch(LOSING)
    assert (rejected.approved, rejected.campaign) == (False, None)
    result = rejected.result
    assert rejected.message == (
        "SyncTwin simulation rejected this campaign. ConfidenceScore: 0.0, "
        f"Projected Net Profit: ${round(result.projected_uplift, 2):,.2f}"
    )
    assert rejected.message.endswith(
        "Projected Net Profit: $-29,981.86"
    )  # its seed is derived from the inputs
    assert world.launched() == []
    [decision] = world.store.decisions()
    assert (decision.approved, decision.campaign_id) == (False, None)
    assert decision.decision_id == rejected.decision_id
    [entry] = world.audit.entries(event_type="CAMPAIGN_REJECTED")
    assert entry.event.reason == "SYNCTWIN_NEGATIVE_FORECAST"
    assert entry.event.metadata["approved"] is False
    assert entry.event.metadata["risk_profile"] == "CRITICAL"
    assert entry.event.metadata["decision_id"] == decision.decision_id
    assert world.audit.verify().ok
    assert world.metrics.value("synctwin_gate_decisions_total", {"outcome": "rejected"}) == 1


def test_the_same_strategy_gets_the_same_verdict_and_seed_when_resubmitted(world: World) -> None:
    first = world.launch(GOOD)
    second = world.launch(GOOD)
    assert first.result == second.result
    replay = simulate(Strategy.from_dict(GOOD), BASELINE, seed=first.result.seed)
    assert replay == first.result


def test_editing_a_rejection_in_the_trail_is_detected(world: World, engine: Engine) -> None:
    world.launch(GOOD)
    assert not world.launch(LOSING).approved
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_entries SET reason = 'OVERRIDDEN' WHERE seq = 2"))
    report = world.audit.verify()
    assert not report.ok
    assert report.problems == ("entry 2 was edited (its hash does not match its content)",)


def test_unknown_baseline_changes_nothing(world: World) -> None:
    with pytest.raises(NoBaselineError, match="'nobody'"):
        world.launch(GOOD, client="nobody")
    assert world.store.decisions() == []
    assert world.audit.entries() == []


def test_approved_strategy_on_a_platform_without_an_account_stores_nothing(
    world: World,
) -> None:
    world.baselines.put("solo", BASELINE)
    with pytest.raises(UnknownClientError):
        world.launch(GOOD, client="solo")
    assert world.store.decisions() == []
    assert world.audit.entries() == []


def test_shadow_mode_scores_rejections_and_approvals_against_real_outcomes(world: World) -> None:
    approved = world.launch(GOOD)
    rejected = world.launch(LOSING)
    rejected_but_good = world.launch({**LOSING, "audience_size": 26_000})
    assert not rejected.approved
    assert not rejected_but_good.approved
    assert rejected_but_good.result.confidence < 0.85
    imported = import_outcomes(
        [
            (approved.decision_id, Money.parse("-1200", allow_negative=True)),
            (rejected.decision_id, Money.parse("-30000", allow_negative=True)),
            (rejected_but_good.decision_id, Money.parse("450")),
        ],
        store=world.store,
        at=world.clock.advance(timedelta(days=30).total_seconds()),
    )
    assert imported == 3
    report = shadow_report(store=world.store)
    assert (report.decisions, report.awaiting_outcome) == (3, 0)
    c = report.confusion
    assert (c.tp, c.fp, c.tn, c.fn) == (0, 1, 1, 1)
    assert (c.fn_rate, c.fp_rate) == (1.0, 0.5)


def test_sql_baseline_book_serves_baselines_from_when_they_were_recorded(engine: Engine) -> None:
    clock = VirtualClock()
    book = SqlBaselineSource(engine)
    book.put("acme", BASELINE, at=clock.now())
    assert book.baseline("acme", lookback_days=90, as_of=clock.now()) == BASELINE
    earlier = clock.now() - timedelta(days=1)
    assert book.baseline("acme", lookback_days=90, as_of=earlier) is None
    newer = Baseline.from_dict({**BASELINE.to_dict(), "monthly_revenue": "1"})
    book.put("acme", newer, at=clock.advance(60))
    assert book.baseline("acme", lookback_days=90, as_of=clock.now()) == newer
