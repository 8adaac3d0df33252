"""``kiki value``: LTV and CAC per acquisition platform, and the client's baseline."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from rich.console import Console
from rich.table import Table

from kiki.cli.context import app_from_env
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncvalue.domain.csv_format import parse_instant
from kiki.syncvalue.domain.definitions import DEFAULT_LOOKBACK_DAYS
from kiki.syncvalue.views import baseline_view, ltv_view

app = typer.Typer(
    help="SyncValue: LTV, CAC and baselines from the client's imported data.",
    no_args_is_help=True,
)

_CLIENT = typer.Option(..., "--client", help="The client whose data to read.")
_AS_OF = typer.Option(
    None, "--as-of", help="Instant T, ISO 8601 (a bare date is 00:00 UTC); default: now."
)
_LOOKBACK = typer.Option(DEFAULT_LOOKBACK_DAYS, "--lookback-days", help="L: W = [T - L, T).")
_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _as_of(text: str | None, now: datetime) -> datetime:
    return now if text is None else parse_instant(text, field="--as-of")


def _money(amount: Money | None) -> str:
    return "-" if amount is None else amount.format(cents=True)


@app.command("ltv")
def ltv(
    client: str = _CLIENT,
    platform: str | None = typer.Option(None, "--platform", help="Only this platform."),
    as_of: str | None = _AS_OF,
    lookback_days: int = _LOOKBACK,
    as_json: bool = _JSON,
) -> None:
    """LTV and CAC of each platform's cohort: customers it acquired within W."""
    only = None if platform is None else Platform.parse(platform, field="--platform")
    with app_from_env(quiet=True) as kiki:
        moment = _as_of(as_of, kiki.clock.now())
        report = kiki.value_source.value_report(client, lookback_days=lookback_days, as_of=moment)
    body = ltv_view(report, platform=only)
    if as_json:
        typer.echo(json.dumps(body, indent=2))
        return
    table = Table(
        title=f"{client}: cohorts acquired in the {lookback_days} days to {moment.isoformat()}"
    )
    for column in ("platform", "customers", "revenue", "LTV", "spend", "CAC"):
        table.add_column(column, justify="left" if column == "platform" else "right")
    shown = report.platforms if only is None else (report.platform(only),)
    for value in shown:
        table.add_row(
            value.platform.display_name,
            f"{value.customers:,}",
            value.revenue.format(cents=True),
            _money(value.ltv),
            value.spend.format(cents=True),
            _money(value.cac),
        )
    Console().print(table)


@app.command("baseline")
def baseline(
    client: str = _CLIENT,
    as_of: str | None = _AS_OF,
    lookback_days: int = _LOOKBACK,
    as_json: bool = _JSON,
) -> None:
    """Monthly revenue and ad spend, average order value and churn over W."""
    with app_from_env(quiet=True) as kiki:
        moment = _as_of(as_of, kiki.clock.now())
        result = kiki.value_source.baseline(client, lookback_days=lookback_days, as_of=moment)
    if as_json:
        typer.echo(json.dumps(baseline_view(result), indent=2))
        return
    churn = result.baseline_churn
    table = Table(title=f"{client}: baseline over the {lookback_days} days to {moment.isoformat()}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("monthly revenue", result.monthly_revenue.format(cents=True))
    table.add_row("monthly ad spend", result.monthly_ad_spend.format(cents=True))
    table.add_row("average order value", _money(result.avg_order_value))
    table.add_row("orders", f"{result.orders:,}")
    table.add_row("baseline churn", "-" if churn is None else f"{churn:.1%}")
    Console().print(table)
