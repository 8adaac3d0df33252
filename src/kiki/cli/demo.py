"""``kiki demo``: the seed's Meta CPM-spike scenario, told truthfully on the embedded default."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console

from kiki.bootstrap import App, build
from kiki.cli.render import plan_table, shift_lines
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox import SandboxMarket
from kiki.settings import Settings
from kiki.syncflow.services.run_optimization_cycle import CycleReport, CycleStatus
from kiki.syncledger.ledger import summarize_shifts

CLIENT = "demo-client"


def demo(
    hours: float = typer.Option(
        3.0, "--hours", min=0.5, max=72, help="Virtual hours to run after the spike."
    ),
) -> None:
    """Six sandbox platforms, a +40 % Meta CPM spike, the optimiser reacting every 5 minutes."""
    console = Console()
    settings = Settings()
    demo_db = settings.data_dir / "demo.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        demo_db.with_name(demo_db.name + suffix).unlink(missing_ok=True)
    settings = settings.model_copy(update={"database_url": f"sqlite:///{demo_db.resolve()}"})
    # Tuesday 03:00, so that after a 6 h warm-up the spike lands at the seed's Tuesday 9 am.
    clock = VirtualClock(datetime(2026, 2, 3, 3, 0, tzinfo=UTC))
    kiki = build(
        settings, clock=clock, market=SandboxMarket(clock), quiet=True, persist_sandbox=False
    )
    try:
        _story(kiki, clock, console, hours)
    finally:
        kiki.close()


def _story(kiki: App, clock: VirtualClock, console: Console, hours: float) -> None:
    kiki.open_sandbox_client(CLIENT)
    # Let the market run for a CAC window, so the trailing CAC is measured, not modelled.
    clock.advance(timedelta(hours=6).total_seconds())
    console.print(
        f"[bold]KIKI demo[/] · SyncFlow GlobalBudgetOptimizer · client [bold]{CLIENT}[/]\n"
        f"database {kiki.engine.url.render_as_string(hide_password=True)} · "
        "six sandbox platforms · "
        f"virtual clock from {clock.now():%a %Y-%m-%d %H:%M} UTC, market opened 6 h earlier\n"
        f"rule: a platform below average x (1 - {kiki.settings.efficiency_threshold:.0%}) gives "
        f"{kiki.settings.reallocation_percent:.0%} of its daily budget to the best platform\n"
    )
    first = kiki.run_cycle(CLIENT, dry_run=True)
    assert first.plan is not None  # noqa: S101  # a dry run always plans
    console.print(plan_table(first.plan))
    total_before = _total(kiki)

    console.print(f"\n[bold]{clock.now():%H:%M}[/] Meta CPMs spike +40 % (sandbox shock)")
    kiki.market.shock(CLIENT, Platform.META, cpm_factor=1.4)
    last: CycleReport | None = None
    first_shift: CycleReport | None = None
    steps = int(hours * 12)
    for _ in range(steps):
        clock.advance(300)
        report = kiki.run_cycle(CLIENT)
        last = report
        if report.outcomes and first_shift is None:
            first_shift = report
            console.print(f"[bold]{clock.now():%H:%M}[/] cycle detects the drop and acts:")
            for line in shift_lines(report):
                console.print(line)
            console.print(plan_table(report.plan, after=_budgets(kiki)) if report.plan else "")
    assert last is not None  # noqa: S101  # at least six cycles run
    console.print(
        f"\n[bold]{clock.now():%H:%M}[/] after {steps} cycles (every 5 min): "
        + (
            ", ".join(f"{h.platform.display_name} held: {h.reason}" for h in last.plan.holds)
            if last.plan and last.plan.holds
            else "no further shifts"
        )
    )

    console.print("\n[bold]Outage drill[/]: TikTok's API refuses the next budget change")
    drill_at = (first_shift or last).at + timedelta(hours=24, minutes=10)
    clock.advance((drill_at - clock.now()).total_seconds())
    console.print(
        f"[bold]{clock.now():%a %H:%M}[/] the 24 h window has passed; "
        "Meta is still below the cut-off"
    )
    kiki.market.fail(Platform.TIKTOK, "set", times=1)
    report = kiki.run_cycle(CLIENT)
    for line in shift_lines(report):
        console.print(line)
    if report.status is not CycleStatus.COMPLETED or not report.outcomes:
        console.print("  (no shift was due, so the drill had nothing to roll back)")

    total_after = _total(kiki)
    shifts = summarize_shifts(kiki.ledger.transfers(client_id=CLIENT))
    console.print("\n[bold]SyncLedger[/]")
    for s in shifts:
        console.print(
            f"  {s.at:%a %H:%M} {s.source.display_name} → {s.destination.display_name} "
            f"{s.amount.format()}/day · {s.status.value} · {s.reason}"
        )
    console.print("\n[bold]SyncNotify[/] alerts sent")
    for alert in kiki.recorded.alerts:
        console.print(f"  {alert.severity.value}: {alert.message}")
    verdict = kiki.audit.verify()
    console.print(
        f"\ntotal daily budget: {total_before.format()} before, {total_after.format()} after "
        f"({'conserved' if total_before == total_after else 'NOT conserved'}) · audit trail "
        f"{'intact' if verdict.ok else 'BROKEN'} (entries: {verdict.entries}) · "
        f"syncflow_budget_shifts_total {_shift_count(kiki):.0f}"
    )


def _budgets(kiki: App) -> dict[Platform, Money]:
    return {p: kiki.market.read(CLIENT, p).daily_budget for p in kiki.market.platforms(CLIENT)}


def _total(kiki: App) -> Money:
    return Money(sum(b.micros for b in _budgets(kiki).values()))


def _shift_count(kiki: App) -> float:
    return sum(
        sample.value
        for metric in kiki.metrics.registry.collect()
        if metric.name == "syncflow_budget_shifts"
        for sample in metric.samples
        if sample.name.endswith("_total")
    )
