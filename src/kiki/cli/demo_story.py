"""The demo's story, on a virtual clock, its own database and its own sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from kiki.application.services import Services
from kiki.bootstrap import build
from kiki.cli.context import load_settings, make_console
from kiki.cli.tables import plan_table, shift_lines
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.report import CycleReport, CycleStatus
from kiki.syncnotify.recording import RecordingNotifier

_WARM_UP_S = 6 * 3600.0
_CYCLE_S = 300.0


def tell(client: str, hours: float) -> None:
    console = make_console()
    settings = load_settings()
    paths = [settings.data_dir / "demo.sqlite3", settings.data_dir / "demo-sandbox.sqlite3"]
    for path in paths:
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    settings = settings.model_copy(
        update={
            "database_url": f"sqlite:///{paths[0].resolve()}",
            "sandbox_url": f"sqlite:///{paths[1].resolve()}",
            "platforms": "sandbox",
        }
    )
    # Tuesday 03:00, so that after a 6 h warm-up the spike lands at the seed's Tuesday 9 am.
    clock = VirtualClock(datetime(2026, 2, 3, 3, 0, tzinfo=UTC))
    alerts = RecordingNotifier()
    kiki = build(settings, clock=clock, quiet=True, notifiers=[alerts])
    try:
        _story(kiki, client, clock, console, hours=hours, alerts=alerts)
    finally:
        kiki.close()


def _story(
    kiki: Services,
    client: str,
    clock: VirtualClock,
    console: Console,
    *,
    hours: float,
    alerts: RecordingNotifier,
) -> None:
    kiki.attach_client(client, tenant_id=None, sandbox=True)
    # Let the market run for a CAC window, so the trailing CAC is measured, not modelled.
    clock.advance(_WARM_UP_S)
    s = kiki.ports.settings
    console.print(
        f"[bold]KIKI demo[/] · SyncFlow GlobalBudgetOptimizer · client [bold]{client}[/]\n"
        f"database {kiki.ports.database} · six sandbox platforms · virtual clock from "
        f"{clock.now():%a %Y-%m-%d %H:%M} UTC, market opened 6 h earlier\n"
        f"rule: a platform whose LTV/CAC is below the average x (1 - "
        f"{s.efficiency_threshold:.0%}) gives {s.reallocation_percent:.0%} of its daily budget "
        "to the best platform\n"
    )
    first = kiki.run_cycle(client, dry_run=True)
    assert first.plan is not None  # noqa: S101  # a dry run always plans
    console.print(plan_table(first.plan))
    total_before = _total(kiki, client)

    console.print(f"\n[bold]{clock.now():%a %H:%M}[/] Meta CPMs spike +40 % (sandbox shock)")
    kiki.sandbox().shock(client, Platform.META, cpm_factor=1.4)
    last: CycleReport | None = None
    first_shift: CycleReport | None = None
    steps = max(1, int(hours * 3600 / _CYCLE_S))
    for _ in range(steps):
        clock.advance(_CYCLE_S)
        report = kiki.run_cycle(client)
        last = report
        if report.outcomes and first_shift is None:
            first_shift = report
            console.print(f"[bold]{clock.now():%a %H:%M}[/] the cycle detects the drop and acts:")
            for line in shift_lines(report):
                console.print(line)
            if report.plan is not None:
                console.print(plan_table(report.plan, after=_budgets(kiki, client)))
    assert last is not None  # noqa: S101  # at least one cycle ran
    held = (
        ", ".join(f"{h.platform.display_name} held: {h.reason}" for h in last.plan.holds)
        if last.plan and last.plan.holds
        else "no further shifts"
    )
    console.print(f"\n[bold]{clock.now():%a %H:%M}[/] after {steps} cycles (every 5 min): {held}")
    if first_shift is None:
        console.print("no shift was due in this run; try a longer one, e.g. --hours 3")
    else:
        _outage_drill(kiki, client, clock, console, first_shift)
    _epilogue(kiki, client, console, alerts=alerts, total_before=total_before)


def _outage_drill(
    kiki: Services, client: str, clock: VirtualClock, console: Console, first: CycleReport
) -> None:
    console.print("\n[bold]Outage drill[/]: TikTok's API refuses the next budget change")
    due = first.at + timedelta(hours=24, minutes=10)
    if clock.now() < due:
        clock.advance((due - clock.now()).total_seconds())
        console.print(
            f"[bold]{clock.now():%a %H:%M}[/] 24 h after the first shift its cap allows another"
        )
    else:  # a long run is already past the first shift's window: the drill is the next cycle
        clock.advance(_CYCLE_S)
        console.print(f"[bold]{clock.now():%a %H:%M}[/] the next cycle")
    kiki.faults().fail(Platform.TIKTOK, "set", times=1)
    report = kiki.run_cycle(client)
    kiki.faults().heal(Platform.TIKTOK)
    for line in shift_lines(report):
        console.print(line)
    if report.status is not CycleStatus.COMPLETED or not report.outcomes:
        why = (
            "every platform below the cut-off was held (above)"
            if report.plan is not None and report.plan.holds
            else "no platform was below the cut-off"
        )
        console.print(f"  (no shift this cycle: {why}; so nothing for TikTok to refuse)")


def _epilogue(
    kiki: Services,
    client: str,
    console: Console,
    *,
    alerts: RecordingNotifier,
    total_before: Money,
) -> None:
    total_after = _total(kiki, client)
    console.print("\n[bold]SyncLedger[/]")
    for s in kiki.reallocations(client):
        console.print(
            f"  {s.at:%a %H:%M} {s.source.display_name} → {s.destination.display_name} "
            f"{s.amount.format()}/day · {s.status.value} · {s.reason}"
        )
    console.print("\n[bold]SyncNotify[/] alerts sent")
    for alert in alerts.alerts:
        console.print(f"  {alert.severity.value}: {alert.message}")
    verdict = kiki.verify_audit()
    conserved = "conserved" if total_before == total_after else "NOT conserved"
    console.print(
        f"\ntotal daily budget: {total_before.format()} before, {total_after.format()} after "
        f"({conserved}) · audit trail {'intact' if verdict.ok else 'BROKEN'} "
        f"(entries: {verdict.entries}) · budget shifts applied: "
        f"{sum(1 for s in kiki.reallocations(client) if s.status.value == 'APPLIED')}"
    )


def _budgets(kiki: Services, client: str) -> dict[Platform, Money]:
    view = kiki.sandbox().show(client, window_s=kiki.ports.settings.cac_window_s)
    return {a.platform: a.daily_budget for a in view.accounts}


def _total(kiki: Services, client: str) -> Money:
    return Money(sum(b.micros for b in _budgets(kiki, client).values()))
