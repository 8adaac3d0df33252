"""The demo's second act: MarginGuardian on a client with the seed's economics, on a virtual
clock and its own database: a CPM shock paused, a runaway spend stopped at 110 %, and the
chaos suite passing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from rich.console import Console

from kiki.application.services import Services
from kiki.bootstrap import build
from kiki.cli.context import load_settings, make_console
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.ports import AccountSpec
from kiki.syncflow.domain.guardian.report import CampaignOutcome, Outcome
from kiki.syncnotify.recording import RecordingNotifier

CLIENT = "guardian-demo"
_TICK_S = 60.0


def _usd(units: str) -> Money:
    return Money.parse(Decimal(units))


def tell_guardian() -> None:
    console = make_console()
    settings = load_settings()
    path = settings.data_dir / "demo-guardian.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    settings = settings.model_copy(
        update={
            "database_url": f"sqlite:///{path.resolve()}",
            "sandbox_url": "memory",
            "platforms": "sandbox",
            "ray_address": None,
        }
    )
    clock = VirtualClock(datetime(2026, 2, 3, 9, 0, tzinfo=UTC))
    alerts = RecordingNotifier()
    kiki = build(settings, clock=clock, quiet=True, notifiers=[alerts])
    try:
        _act(kiki, clock, console, alerts)
    finally:
        kiki.close()


def _act(kiki: Services, clock: VirtualClock, console: Console, alerts: RecordingNotifier) -> None:
    # The seed's campaign: CPM $5.00, $100 a day, CTR 1 %, CVR 10 % -> $5.00 a conversion.
    seed = AccountSpec(_usd("100"), _usd("5.00"), 0.01, 0.10, _usd("12"))
    kiki.sandbox().open_client(
        CLIENT, {Platform.META: seed, Platform.TIKTOK: seed, Platform.GOOGLE: seed}
    )
    kiki.change_guardian_thresholds(CLIENT, {"gross_margin": 0.5})
    clock.advance(14 * 86_400)  # two weeks of market: 280 conversions of evidence each
    console.print(
        f"\n[bold]Act 2: MarginGuardian[/] · client [bold]{CLIENT}[/] · three campaigns like the "
        "seed's: CPM $5.00, $100/day, $5.00 a conversion; LTV $12 at a 50 % gross margin "
        "allows $6.00 · a guardian pass every minute (virtual)"
    )
    for _ in range(5):
        _tick(kiki, clock)
    console.print(f"[bold]{clock.now():%a %H:%M}[/] Meta CPM +50 % ($5.00 -> $7.50)")
    kiki.sandbox().shock(CLIENT, Platform.META, cpm_factor=1.5)
    shocked = clock.now()
    paused = _until_paused(kiki, clock, Platform.META, limit=10)
    if paused is not None:
        minutes = (clock.now() - shocked).total_seconds() / 60
        console.print(f"[bold]{clock.now():%a %H:%M}[/] +{minutes:.0f} min: {paused.detail}")
    console.print(f"[bold]{clock.now():%a %H:%M}[/] TikTok runaway: spending at 10x its pace")
    kiki.sandbox().shock(CLIENT, Platform.TIKTOK, spend_factor=10)
    stopped = _until_paused(kiki, clock, Platform.TIKTOK, limit=24 * 60)
    if stopped is not None:
        console.print(f"[bold]{clock.now():%a %H:%M}[/] {stopped.detail}")
    google = [c for c in kiki.campaigns(CLIENT).campaigns if c.state.platform is Platform.GOOGLE]
    console.print(
        f"Google, unshocked, runs on: {google[0].state.status.value if google else 'absent'}"
    )
    report = kiki.run_chaos(CLIENT)
    seed_results = [r for r in report.results if r.client_id is None]
    console.print(
        f"\n[bold]Chaos suite[/] (nightly at {kiki.ports.settings.chaos_cron}): the seed's test "
        f"campaign {sum(r.passed for r in seed_results)}/{len(seed_results)} passed, "
        f"{report.passed}/{len(report.results)} in all (copies of live active campaigns too)"
    )
    for result in seed_results:
        console.print(
            f"  {'PASS' if result.passed else 'FAIL'} {result.test.value}: {result.observed.detail}"
        )
    console.print("\n[bold]SyncNotify[/] alerts of act 2")
    for alert in alerts.alerts:
        console.print(f"  {alert.severity.value}: {alert.message}")
    verdict = kiki.verify_audit()
    console.print(
        f"audit trail {'intact' if verdict.ok else 'BROKEN'} (entries: {verdict.entries})"
    )


def _tick(kiki: Services, clock: VirtualClock) -> list[CampaignOutcome]:
    clock.advance(_TICK_S)
    return [o for report in kiki.run_guardian(CLIENT) for o in report.outcomes]


def _until_paused(
    kiki: Services, clock: VirtualClock, platform: Platform, *, limit: int
) -> CampaignOutcome | None:
    for _ in range(limit):
        for outcome in _tick(kiki, clock):
            if outcome.platform is platform and outcome.outcome is Outcome.PAUSED:
                return outcome
    return None
