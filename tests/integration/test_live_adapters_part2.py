"""The whole app through the adapters of part 2 (TikTok, LinkedIn, Amazon Ads) and the csv
adapter, on their fakes: an optimiser cycle that moves money after a CPM shock, a campaign
paused through each, a guardian pass on platforms without bid control, and no token in any log
line, error, audit entry or database row."""

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
from kiki.platforms.errors import PlatformError
from kiki.platforms.sandbox.values import SandboxValues
from kiki.settings import Settings
from kiki.syncflow.domain.report import CycleStatus, ShiftResult
from kiki.syncnotify.recording import RecordingNotifier
from kiki.testing.platforms.csv_desk import CsvDesk
from kiki.testing.platforms.servers import ADAPTERS, PART_TWO, FakePlatforms

TIKTOK, LINKEDIN, AMAZON = Platform.TIKTOK, Platform.LINKEDIN, Platform.AMAZON


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakePlatforms]:
    with FakePlatforms(workdir=tmp_path_factory.mktemp("fakes")) as started:
        yield started


@pytest.fixture
def desk(fakes: FakePlatforms, tmp_path: Path) -> CsvDesk:
    return CsvDesk(fakes.market, exports_dir=tmp_path / "exports", changes_dir=tmp_path / "changes")


@pytest.fixture
def app(fakes: FakePlatforms, desk: CsvDesk, tmp_path: Path) -> Iterator[Services]:
    config = {**fakes.settings(), **desk.settings()}
    settings = Settings(data_dir=tmp_path, sandbox_url="memory", **config)  # type: ignore[arg-type]
    built = build(settings, clock=fakes.market.clock, quiet=True, notifiers=[RecordingNotifier()])
    values = ClientValues(built.ports.values, SandboxValues(fakes.market.store))
    services = Services(replace(built.ports, optimizer_values=values), values)
    yield services
    services.close()


def connect(fakes: FakePlatforms, app: Services, client_id: str) -> dict[Platform, str]:
    accounts = fakes.open(client_id, PART_TWO)
    for platform, account in accounts.items():
        app.connect(client_id, platform, adapter=ADAPTERS[platform], account=account)
    return accounts


def budgets(fakes: FakePlatforms, client_id: str) -> dict[Platform, Money]:
    view = fakes.market.sandbox.show(client_id, window_s=3600)
    return {a.platform: a.daily_budget for a in view.accounts}


def kinds(app: Services, client_id: str) -> list[str]:
    return [t.kind.value for t in app.ports.ledger.transfers(client_id=client_id)]


def test_a_cpm_shock_moves_money_through_the_part_two_adapters(
    fakes: FakePlatforms, app: Services
) -> None:
    connect(fakes, app, "shocked2")
    assert app.ports.gateway.platforms("shocked2") == list(PART_TWO)
    before = budgets(fakes, "shocked2")
    fakes.market.clock.advance(6 * 3600)
    fakes.market.sandbox.shock("shocked2", TIKTOK, cpm_factor=3.0)
    fakes.market.clock.advance(24 * 3600)
    report = app.run_cycle("shocked2")
    assert report.errors == {}
    [outcome] = report.outcomes
    assert outcome.result is ShiftResult.APPLIED
    assert outcome.shift.source is TIKTOK
    after = budgets(fakes, "shocked2")
    assert after[TIKTOK] == before[TIKTOK] - outcome.shift.amount
    assert sum(b.micros for b in after.values()) == sum(b.micros for b in before.values())


def test_a_campaign_pauses_through_each_part_two_adapter(
    fakes: FakePlatforms, app: Services
) -> None:
    connect(fakes, app, "pausing2")
    listed = app.campaigns("pausing2").campaigns
    assert {c.state.platform for c in listed} == set(PART_TWO)
    for campaign in listed:
        paused = app.pause_campaign(campaign.campaign_id, note="creative under review")
        assert paused.state.status is CampaignStatus.PAUSED
    view = fakes.market.sandbox.show("pausing2", window_s=3600)
    assert {c.state.status for c in view.campaigns} == {CampaignStatus.PAUSED}


def test_a_shift_to_a_csv_account_waits_for_its_confirmation(
    fakes: FakePlatforms, app: Services, desk: CsvDesk
) -> None:
    fakes.market.open("mixed", {LINKEDIN: "123456780", TIKTOK: "mixed-tiktok"})
    app.connect("mixed", LINKEDIN, adapter="linkedin", account="123456780")
    app.connect("mixed", TIKTOK, adapter="csv", account="mixed-tiktok")
    desk.export("mixed", TIKTOK, "mixed-tiktok")
    fakes.market.clock.advance(6 * 3600)
    fakes.market.sandbox.shock("mixed", LINKEDIN, cpm_factor=3.0)
    fakes.market.clock.advance(24 * 3600)
    desk.export("mixed", TIKTOK, "mixed-tiktok")
    before = budgets(fakes, "mixed")
    first = app.run_cycle("mixed")
    [outcome] = first.outcomes
    assert (outcome.shift.source, outcome.shift.destination) == (LINKEDIN, TIKTOK)
    assert outcome.result is ShiftResult.PENDING_CONFIRMATION  # LinkedIn lowered, TikTok asked
    assert first.status is CycleStatus.PENDING_CONFIRMATION
    assert budgets(fakes, "mixed")[TIKTOK] == before[TIKTOK]  # not done until uploaded
    waiting = app.run_cycle("mixed")
    assert waiting.status is CycleStatus.PENDING_CONFIRMATION  # nothing new planned
    assert kinds(app, "mixed") == ["PENDING"]
    desk.upload("mixed", TIKTOK, "mixed-tiktok")  # a person uploads; the next export confirms
    app.run_cycle("mixed")
    assert kinds(app, "mixed") == ["PENDING", "POSTED"]  # reconciled: both at their targets
    after = budgets(fakes, "mixed")
    assert after[TIKTOK] == before[TIKTOK] + outcome.shift.amount


def test_no_part_two_token_appears_in_logs_errors_audit_or_the_database(
    fakes: FakePlatforms, app: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    errors: list[str] = []
    with caplog.at_level(logging.DEBUG):
        connect(fakes, app, "secretive2")
        fakes.market.clock.advance(3600)
        app.run_cycle("secretive2")
        app.campaigns("secretive2")
        fakes.market.scenario.throttle(2, retry_after_s=1)
        fakes.market.scenario.expire_tokens()
        for platform in PART_TWO:
            fakes.market.sandbox.fail(platform, "set")
            for call in (
                lambda p=platform: app.ports.gateway.read("secretive2", p, window_s=3600),
                lambda p=platform: app.ports.gateway.set_daily_budget("secretive2", p, Money(1)),
                lambda p=platform: app.ports.gateway.set_daily_budget(
                    "secretive2", p, Money(10_000)
                ),
            ):
                try:
                    call()
                except PlatformError as exc:
                    errors.append(f"{exc!r} {exc.__cause__!r} {exc.__context__!r}")
        errors += [a.problem or "" for a in app.check_platforms("secretive2").accounts]
        fakes.market.sandbox.heal()
    assert errors
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    audit = repr(app.ports.audit.entries())
    database = b"".join(p.read_bytes() for p in tmp_path.glob("*.sqlite3*"))
    for token in fakes.tokens():
        assert token not in logged
        assert token not in "\n".join(errors)
        assert token not in audit
        assert token.encode() not in database
