"""Rich renderings shared by the commands: the plan table and shift outcome lines."""

from __future__ import annotations

from rich.table import Table

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.plan import CyclePlan
from kiki.syncflow.services.run_optimization_cycle import CycleReport


def plan_table(plan: CyclePlan, *, after: dict[Platform, Money] | None = None) -> Table:
    best = plan.best.platform if plan.best else None
    table = Table(
        title=(
            f"average {plan.average_efficiency:.2f}x · cut-off {plan.cutoff:.2f}x · "
            f"best {best.display_name if best else '-'}"
        )
    )
    for column in ("platform", "LTV", "CAC", "LTV/CAC", "budget/day"):
        table.add_column(column, justify="right" if column != "platform" else "left")
    if after is not None:
        table.add_column("after", justify="right")
        table.add_column("change", justify="right")
    losers = set(plan.underperformers)
    for p in plan.platforms:
        mark = " ▼" if p.platform in losers else (" ★" if p.platform == best else "")
        row = [
            p.platform.display_name + mark,
            p.ltv.format(cents=True),
            p.cac.format(cents=True),
            f"{p.efficiency:.2f}x",
            p.daily_budget.format(),
        ]
        if after is not None:
            new = after.get(p.platform, p.daily_budget)
            delta = new - p.daily_budget
            row += [
                new.format(),
                ("+" if delta.micros > 0 else "") + delta.format() if delta.micros else "·",
            ]
        table.add_row(*row)
    for platform in plan.left_out:
        table.add_row(
            platform.display_name, "-", "-", "left out", "-", *([""] * (2 if after else 0))
        )
    return table


def shift_lines(report: CycleReport) -> list[str]:
    lines = [
        f"  {o.result.value}: {o.shift.source.display_name} → {o.shift.destination.display_name} "
        f"{o.shift.amount.format()}/day ({o.shift.reason}){' — ' + o.detail if o.detail else ''}"
        for o in report.outcomes
    ]
    if report.plan is not None:
        lines += [f"  held: {h.platform.display_name} ({h.reason})" for h in report.plan.holds]
    lines += [f"  left out: {p.display_name} ({why})" for p, why in report.errors.items()]
    return lines
