"""``kiki sandbox``: the simulated ad accounts that stand in for the six platforms."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from kiki.cli.context import app_from_env
from kiki.core.errors import InvalidInputError
from kiki.core.platform import Platform

app = typer.Typer(help="The sandbox market (the embedded default gateway).", no_args_is_help=True)


@app.command("open")
def open_client(
    client: str = typer.Argument(..., help="Client id to give six ad accounts."),
) -> None:
    """Give a client the six demo ad accounts (replacing any it had)."""
    if not client.strip():
        raise InvalidInputError("client", "must not be empty")
    with app_from_env(quiet=True) as kiki:
        kiki.open_sandbox_client(client)
    typer.echo(f"opened six sandbox ad accounts for {client}")


@app.command("shock")
def shock(
    client: str = typer.Argument(...),
    platform: str = typer.Argument(..., help="PLATFORM_META or meta, ..."),
    cpm: float = typer.Option(1.0, "--cpm", help="CPM multiplier, 1.4 = +40 %."),
    cvr: float = typer.Option(1.0, "--cvr", help="Conversion-rate multiplier, 0.7 = -30 %."),
) -> None:
    """Shock one account's CPM or conversion rate from now on."""
    with app_from_env(quiet=True) as kiki:
        kiki.market.shock(client, Platform.parse(platform), cpm_factor=cpm, cvr_factor=cvr)
    typer.echo(
        f"shocked {Platform.parse(platform).display_name} for {client}: CPM x{cpm}, CVR x{cvr}"
    )


@app.command("show")
def show(client: str = typer.Argument(...)) -> None:
    """Budgets and trailing CAC of a client's sandbox accounts."""
    with app_from_env(quiet=True) as kiki:
        table = Table(title=f"sandbox accounts of {client}")
        for column in ("platform", "budget/day", "CAC", "LTV"):
            table.add_column(column)
        for p in kiki.market.platforms(client):
            reading = kiki.market.read(client, p)
            table.add_row(
                p.display_name,
                reading.daily_budget.format(),
                reading.cac.format() if reading.cac else "-",
                kiki.market.ltv(client, p).format(),
            )
    Console().print(table)
