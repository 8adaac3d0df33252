"""``kiki ledger``: the budget shifts SyncLedger recorded."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from kiki.cli.context import app_from_env
from kiki.syncledger.ledger import summarize_shifts

app = typer.Typer(help="Budget reallocations recorded in SyncLedger.", no_args_is_help=True)


@app.command("list")
def list_shifts(
    client: str | None = typer.Option(None, "--client", help="Only this client's shifts."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List budget shifts, oldest first, with how each ended (APPLIED, ROLLED_BACK, IN_TRANSIT)."""
    with app_from_env(quiet=True) as kiki:
        shifts = summarize_shifts(kiki.ledger.transfers(client_id=client))
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "shift_id": s.shift_id,
                        "client_id": s.client_id,
                        "at": s.at.isoformat(),
                        "from": s.source.value,
                        "to": s.destination.value,
                        "amount": s.amount.to_units(),
                        "amount_micros": s.amount.micros,
                        "reason": s.reason,
                        "status": s.status.value,
                    }
                    for s in shifts
                ],
                indent=2,
            )
        )
        return
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
    Console().print(table)
