"""``kiki ledger``: the budget shifts SyncLedger recorded."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, make_console, services_from_env

app = typer.Typer(help="Budget reallocations recorded in SyncLedger.", no_args_is_help=True)


@app.command("list")
def list_shifts(
    client: str | None = typer.Option(None, "--client", help="Only this client's shifts."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List budget shifts, oldest first, with how each ended (APPLIED, ROLLED_BACK, VOIDED) or
    that it is still PENDING.

    Example: kiki ledger list --client acme --json
    """

    from kiki.cli.tables import shifts_table  # noqa: PLC0415
    from kiki.views import flow  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        shifts = kiki.reallocations(client)
    if as_json:
        echo_json([flow.shift(s) for s in shifts])
        return
    make_console().print(shifts_table(shifts))


@app.command("reconcile")
def reconcile(
    client: str | None = typer.Option(None, "--client", help="Only this client."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Resolve pending shifts (left by a crash or a failed write) by reading the platforms:
    posted if both hold their targets, voided if neither moved, the source put back if only it
    moved; anything else makes the client STUCK. Exit 1 if any client is stuck.

    Example: kiki ledger reconcile --client acme
    """
    from kiki.views import money  # noqa: PLC0415  # kiki --help must stay fast

    with services_from_env(quiet=True) as kiki:
        reports = [kiki.reconcile(client)] if client else kiki.reconcile_all()
    if as_json:
        echo_json([money.reconciled(r) for r in reports])
    else:
        for r in reports:
            for item in r.items:
                typer.echo(
                    f"{r.client_id} {item.shift_id}: {item.resolution.value} ({item.detail})"
                )
            if not r.items:
                typer.echo(f"{r.client_id}: nothing pending")
        if not reports:
            typer.echo("nothing pending")
    if any(r.stuck for r in reports):
        raise typer.Exit(1)
