"""The whole app through the real adapters, on their fakes: an optimiser cycle that moves money
after a CPM shock, a campaign paused through each adapter, an outage and a 429 storm, an
expiring token; and no token in any log line, error, audit entry or database row.

The fakes' market knows each account's customer value; a real deployment imports customers
and orders into SyncValue instead, so here the optimiser's LTV comes from the market.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiki.application.services import Services
from kiki.application.values import ClientValues
from kiki.bootstrap import build
from kiki.campaigns.domain import CampaignStatus
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError, PlatformError
from kiki.platforms.sandbox.values import SandboxValues
from kiki.settings import Settings
from kiki.syncflow.domain.report import ShiftResult
from kiki.syncnotify.recording import RecordingNotifier
from kiki.testing.platforms.servers import ADAPTERS, LIVE, FakePlatforms


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakePlatforms]:
    with FakePlatforms(workdir=tmp_path_factory.mktemp("fakes")) as started:
        yield started


@pytest.fixture
def app(fakes: FakePlatforms, tmp_path: Path) -> Iterator[Services]:
    settings = Settings(data_dir=tmp_path, sandbox_url="memory", **fakes.settings())  # type: ignore[arg-type]
    built = build(settings, clock=fakes.market.clock, quiet=True, notifiers=[RecordingNotifier()])
    values = ClientValues(built.ports.values, SandboxValues(fakes.market.store))
    services = Services(replace(built.ports, optimizer_values=values), values)
    yield services
    services.close()


def connect_all(fakes: FakePlatforms, services: Services, client_id: str) -> dict[Platform, str]:
    accounts = fakes.open(client_id)
    for platform, account in accounts.items():
        services.connect(client_id, platform, adapter=ADAPTERS[platform], account=account)
    return accounts


def budgets(fakes: FakePlatforms, client_id: str) -> dict[Platform, Money]:
    view = fakes.market.sandbox.show(client_id, window_s=3600)
    return {a.platform: a.daily_budget for a in view.accounts}


def test_a_cpm_shock_moves_money_away_through_the_live_adapters(
    fakes: FakePlatforms, app: Services
) -> None:
    connect_all(fakes, app, "shocked")
    assert app.ports.gateway.platforms("shocked") == list(LIVE)
    fakes.market.clock.advance(6 * 3600)
    quiet = app.run_cycle("shocked")
    assert quiet.outcomes == ()
    assert quiet.errors == {}
    fakes.market.sandbox.shock("shocked", Platform.META, cpm_factor=1.4)
    fakes.market.clock.advance(6 * 3600)
    report = app.run_cycle("shocked")
    [outcome] = report.outcomes
    assert outcome.result is ShiftResult.APPLIED
    shift = outcome.shift
    assert (shift.source, shift.destination) == (Platform.META, Platform.GOOGLE)
    assert shift.amount == Money(100_000_000)
    assert budgets(fakes, "shocked") == {
        Platform.META: Money(400_000_000),
        Platform.GOOGLE: Money(700_000_000),
        Platform.MICROSOFT: Money(250_000_000),
    }
    assert sum(b.micros for b in budgets(fakes, "shocked").values()) == 1_350_000_000


def test_a_campaign_pauses_through_each_adapter(fakes: FakePlatforms, app: Services) -> None:
    connect_all(fakes, app, "pausing")
    listed = app.campaigns("pausing").campaigns
    assert {c.state.platform for c in listed} == set(LIVE)
    for campaign in listed:
        paused = app.pause_campaign(campaign.campaign_id, note="creative under review")
        assert paused.state.status is CampaignStatus.PAUSED
    view = fakes.market.sandbox.show("pausing", window_s=3600)
    assert {c.state.status for c in view.campaigns} == {CampaignStatus.PAUSED}
    entries = [e.event.event_type for e in app.ports.audit.entries(client_id="pausing")]
    assert entries.count("CAMPAIGN_PAUSED") == 3


def test_an_outage_and_a_429_storm_are_ridden_out_or_leave_the_platform_out(
    fakes: FakePlatforms, app: Services
) -> None:
    connect_all(fakes, app, "stormy")
    fakes.market.scenario.throttle(3, retry_after_s=2)  # whichever adapter calls first waits
    fakes.market.clock.advance(3600)
    ridden = app.run_cycle("stormy", dry_run=True)
    assert ridden.errors == {}
    fakes.market.sandbox.fail(Platform.GOOGLE, "read")
    degraded = app.run_cycle("stormy", dry_run=True)
    assert set(degraded.errors) == {Platform.GOOGLE}
    assert "Google API unavailable" in degraded.errors[Platform.GOOGLE]
    fakes.market.sandbox.heal()


def test_an_expired_oauth_token_is_refreshed_and_an_expired_meta_token_says_what_to_fix(
    fakes: FakePlatforms, app: Services
) -> None:
    connect_all(fakes, app, "expiring")
    app.check_platforms("expiring")
    refreshes = fakes.google_tokens.refreshes, fakes.microsoft_tokens.refreshes
    fakes.market.scenario.expire_tokens()
    checked = app.check_platforms("expiring")
    problems = {a.platform: a.problem for a in checked.accounts}
    assert problems[Platform.GOOGLE] is None
    assert problems[Platform.MICROSOFT] is None
    assert fakes.google_tokens.refreshes == refreshes[0] + 1
    assert fakes.microsoft_tokens.refreshes == refreshes[1] + 1
    assert problems[Platform.META] is not None
    assert problems[Platform.META].startswith("bad token:")
    assert "renew the access token" in problems[Platform.META]
    with pytest.raises(PlatformAuthError):
        app.ports.gateway.read("expiring", Platform.META, window_s=3600)
    fakes.meta.renew_token(fakes.secrets["meta_access_token"])


def test_no_token_appears_in_logs_errors_audit_or_the_database(
    fakes: FakePlatforms, app: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []
    with caplog.at_level(logging.DEBUG):
        connect_all(fakes, app, "secretive")
        fakes.market.clock.advance(3600)
        app.run_cycle("secretive")
        app.campaigns("secretive")
        fakes.market.scenario.throttle(2, retry_after_s=1)
        fakes.market.scenario.expire_tokens()
        fakes.market.sandbox.fail(Platform.MICROSOFT, "set")
        for platform in LIVE:
            for call in (
                lambda p=platform: app.ports.gateway.read("secretive", p, window_s=3600),
                lambda p=platform: app.ports.gateway.set_daily_budget("secretive", p, Money(1)),
                lambda p=platform: app.ports.gateway.set_daily_budget(
                    "secretive", p, Money(10_000)
                ),
            ):
                try:
                    call()
                except PlatformError as exc:
                    errors.append(_chain(exc))
        errors += [a.problem or "" for a in app.check_platforms("secretive").accounts]
        fakes.market.sandbox.heal()
        fakes.meta.renew_token(fakes.secrets["meta_access_token"])
    assert errors, "the scenario should have produced errors to inspect"
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    audit = repr(app.ports.audit.entries())
    database = b"".join(p.read_bytes() for p in tmp_path.glob("*.sqlite3*"))
    for token in fakes.tokens():
        assert token not in logged
        assert token not in "\n".join(errors)
        assert token not in audit
        assert token.encode() not in database
    assert logged  # the SDKs did log


def _chain(exc: BaseException) -> str:
    """The error and everything it was raised from, as a traceback would show them."""
    parts = []
    current: BaseException | None = exc
    while current is not None:
        parts.append(f"{type(current).__name__}: {current} {current.args!r}")
        current = current.__cause__ or current.__context__
    return "\n".join(parts)
