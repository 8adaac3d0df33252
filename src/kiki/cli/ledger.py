"""``kiki ledger``: the budget shifts SyncLedger recorded."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, services_from_env

app = typer.Typer(help="Budget reallocations recorded in SyncLedger.", no_args_is_help=True)


@app.command("list")
def list_shifts(
    client: str | None = typer.Option(None, "--client", help="Only this client's shifts."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List budget shifts, oldest first, with how each ended (APPLIED, ROLLED_BACK, IN_TRANSIT).

    Example: kiki ledger list --client acme --json
    """
    from rich.console import Console  # noqa: PLC0415  # kiki --help must stay fast

    from kiki.cli.tables import shifts_table  # noqa: PLC0415
    from kiki.views import flow  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        shifts = kiki.reallocations(client)
    if as_json:
        echo_json([flow.shift(s) for s in shifts])
        return
    Console().print(shifts_table(shifts))
