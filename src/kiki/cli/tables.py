"""Rich renderings shared by the commands: one per result type shown in a terminal."""

from __future__ import annotations

from rich.table import Table

from kiki.application.values import ValueAnswer
from kiki.campaigns.domain import Campaign
from kiki.cli.context import make_console
from kiki.cli.digits import digits_for
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.checks import PlatformCheck
from kiki.platforms.connections import Connection
from kiki.platforms.sandbox.ports import SandboxView
from kiki.syncflow.domain.plan import CyclePlan
from kiki.syncflow.domain.report import CycleReport
from kiki.syncledger.ledger import ShiftRecord
from kiki.syncvalue.domain.definitions import Baseline


def plan_table(plan: CyclePlan, *, after: dict[Platform, Money] | None = None) -> Table:
    """Every platform with its figures; a platform left out keeps what it had and says why.
    Efficiencies carry the decimals that keep "below the cut-off" true as shown."""
    best = plan.best.platform if plan.best else None
    d = digits_for(plan.cutoff, [p.efficiency for p in plan.platforms])
    table = Table(
        title=(
            f"average {plan.average_efficiency:.{d}f}x · cut-off {plan.cutoff:.{d}f}x · "
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
            f"{p.efficiency:.{d}f}x",
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
        x = plan.why_left_out(platform)
        table.add_row(
            platform.display_name,
            _money(x.ltv if x else None),
            _money(x.cac if x else None),
            f"left out: {x.reason if x else 'unknown'}",
            "-" if x is None or x.daily_budget is None else x.daily_budget.format(),
            *([""] * (2 if after else 0)),
        )
    return table


def shift_lines(report: CycleReport, *, planned: bool = False) -> list[str]:
    """What moved (or, for a dry run, what would move), what was held and left out, and why."""
    lines = []
    if planned and report.plan is not None:
        lines += [
            f"  would move: {s.source.display_name} → {s.destination.display_name} "
            f"{s.amount.format()}/day ({s.reason})"
            for s in report.plan.shifts
        ]
        if not report.plan.shifts and not report.plan.holds:
            lines.append("  would move nothing: no platform is below the cut-off")
    lines += [
        f"  {o.result.value}: {o.shift.source.display_name} → {o.shift.destination.display_name} "
        f"{o.shift.amount.format()}/day ({o.shift.reason}){' — ' + o.detail if o.detail else ''}"
        for o in report.outcomes
    ]
    if report.plan is not None:
        lines += [f"  held: {h.platform.display_name} ({h.reason})" for h in report.plan.holds]
    lines += [f"  left out: {p.display_name} ({why})" for p, why in report.errors.items()]
    if report.plan is not None:
        lines += [
            f"  left out: {x.platform.display_name} ({_REASONS.get(x.reason, x.reason)})"
            for x in report.plan.left_out_detail
            if x.platform not in report.errors
        ]
    return lines


_REASONS = {
    "ltv_unknown": "ltv_unknown: no LTV measured for it",
    "cac_unknown": "cac_unknown: no CAC measured for it",
    "cac_zero": "cac_zero: its CAC is 0, so LTV/CAC has no value",
    "not_finite": "not_finite: LTV/CAC is not a finite number",
}


def plan_lines(plan: CyclePlan) -> list[str]:
    """A what-if's planned shifts and holds, and why, in words."""
    lines = [
        f"  would move: {s.source.display_name} → {s.destination.display_name} "
        f"{s.amount.format()}/day ({s.reason})"
        for s in plan.shifts
    ]
    lines += [f"  held: {h.platform.display_name} ({h.reason})" for h in plan.holds]
    if not plan.shifts and not plan.holds:
        lines.append("  would move nothing: no platform is below the cut-off")
    lines += [
        f"  left out: {x.platform.display_name} ({_REASONS.get(x.reason, x.reason)})"
        for x in plan.left_out_detail
    ]
    return lines


def shifts_table(shifts: list[ShiftRecord]) -> Table:
    table = Table(title=f"Budget shifts ({len(shifts)})")
    for column in ("at", "client", "from", "to", "amount/day", "status", "reason"):
        table.add_column(column)
    for s in shifts:
        table.add_row(
            s.at.strftime("%Y-%m-%d %H:%M"),
            s.client_id,
            s.source.display_name,
            s.destination.display_name,
            s.amount.format(),
            s.status.value,
            s.reason,
        )
    return table


def _money(amount: Money | None) -> str:
    return "-" if amount is None else amount.format(cents=True)


def print_titled(table: Table) -> None:
    """The table's title on a line of its own, never broken (a timestamp split in two across
    lines misleads), then the table."""
    console = make_console()
    if table.title:
        console.print(table.title)
        table.title = None
    console.print(table, soft_wrap=False)


def value_table(answer: ValueAnswer, *, only: Platform | None = None) -> Table:
    w = answer.window
    title = (
        f"{answer.client_id}: cohorts acquired in the {w.lookback_days} days to "
        f"{w.as_of:%Y-%m-%d %H:%M} UTC ({answer.origin.value})"
    )
    table = Table(title=title, min_width=len(title))
    for column in ("platform", "customers", "revenue", "LTV", "spend", "CAC"):
        table.add_column(column, justify="left" if column == "platform" else "right")
    shown = answer.platforms if only is None else (answer.platform(only),)
    for v in shown:
        table.add_row(
            v.platform.display_name,
            f"{v.customers:,}",
            v.revenue.format(cents=True),
            _money(v.ltv),
            v.spend.format(cents=True),
            _money(v.cac),
        )
    return table


def baseline_table(client_id: str, result: Baseline) -> Table:
    w = result.window
    churn = result.baseline_churn
    title = f"{client_id}: baseline over the {w.lookback_days} days to {w.as_of:%Y-%m-%d %H:%M} UTC"
    table = Table(title=title, min_width=len(title))
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("monthly revenue", result.monthly_revenue.format(cents=True))
    table.add_row("monthly ad spend", result.monthly_ad_spend.format(cents=True))
    table.add_row("average order value", _money(result.avg_order_value))
    table.add_row("orders", f"{result.orders:,}")
    table.add_row("baseline churn", "-" if churn is None else f"{churn:.1%}")
    return table


def campaigns_table(campaigns: tuple[Campaign, ...]) -> Table:
    table = Table(title=f"Campaigns ({len(campaigns)})")
    for column in ("campaign", "client", "platform", "name", "status", "budget/day", "bid"):
        table.add_column(column)
    for c in campaigns:
        s = c.state
        status = s.status.value + (f" ({c.pause_reason.value})" if c.pause_reason else "")
        bid = "automatic" if s.bid.amount is None else f"{s.bid.strategy.value} {s.bid.amount}"
        table.add_row(
            s.campaign_id,
            s.client_id,
            s.platform.display_name,
            s.name,
            status,
            s.daily_budget.format(),
            bid,
        )
    return table


def sandbox_tables(view: SandboxView) -> list[Table]:
    accounts = Table(title=f"sandbox accounts of {view.client_id}")
    for column in ("platform", "budget/day", "CAC", "CPM x", "CVR x", "pacing x", "spent today"):
        accounts.add_column(column, justify="left" if column == "platform" else "right")
    for a in view.accounts:
        accounts.add_row(
            a.platform.display_name,
            a.daily_budget.format(),
            _money(a.cac),
            f"{a.factors.cpm:g}",
            f"{a.factors.cvr:g}",
            f"{a.factors.spend:g}",
            a.today.spend.format(cents=True),
        )
    campaigns = Table(title=f"sandbox campaigns of {view.client_id}")
    for column in ("campaign", "platform", "name", "status", "budget/day"):
        campaigns.add_column(column)
    for c in view.campaigns:
        s = c.state
        status = s.status.value + (f" ({c.pause_reason.value})" if c.pause_reason else "")
        campaigns.add_row(
            s.campaign_id, s.platform.display_name, s.name, status, s.daily_budget.format()
        )
    return [accounts, campaigns]


def connections_table(items: list[Connection]) -> Table:
    table = Table("client", "platform", "adapter", "account", "credentials", "connected")
    for c in items:
        table.add_row(
            c.client_id,
            c.platform.display_name,
            c.adapter,
            c.account_id,
            c.credentials or "(environment)",
            c.connected_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
    return table


def check_lines(result: PlatformCheck) -> list[str]:
    """One line per connected account: what it holds, or why it cannot be read."""
    lines = []
    for a in result.accounts:
        head = f"{a.platform.display_name} ({a.adapter}, account {a.account_id}):"
        if a.problem is not None:
            lines.append(f"{head} {a.problem}")
            continue
        lines.append(
            f"{head} budget {_money(a.daily_budget)}/day, spend today {_money(a.spend_today)}, "
            f"{a.conversions_today or 0:.2f} conversions today, "
            f"{a.campaigns} campaigns ({a.active_campaigns} active)"
        )
    return lines
