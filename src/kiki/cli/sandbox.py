"""``kiki sandbox``: the simulated ad platforms that stand in for the six real ones.

The sandbox is an external system with its own database: every command and a running
``kiki serve`` see the same accounts, campaigns, shocks and outages.
"""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, make_console, services_from_env

app = typer.Typer(help="The sandbox market (the embedded default gateway).", no_args_is_help=True)

_CLIENT = typer.Argument(..., help="The client id.")
_PLATFORM = typer.Argument(..., help="PLATFORM_META or meta, google, tiktok, ...")


@app.command("open")
def open_client(client: str = _CLIENT) -> None:
    """Give a client the six demo ad accounts, each with one always-on campaign. A client
    that already has accounts keeps them as they are.

    Example: kiki sandbox open acme
    """
    from kiki.application.inputs import check_client  # noqa: PLC0415  # fast --help

    client = check_client(client, field="client")
    with services_from_env(quiet=True) as kiki:
        done = kiki.attach_client(client, tenant_id=None, sandbox=True)
    if done.sandbox_opened:
        typer.echo(f"opened six sandbox ad accounts for {client}")
    else:
        typer.echo(f"{client} already has sandbox ad accounts: nothing changed")


@app.command("shock")
def shock(
    client: str = _CLIENT,
    platform: str = _PLATFORM,
    cpm: float | None = typer.Option(None, "--cpm", help="CPM at this multiple of its base."),
    cvr: float | None = typer.Option(None, "--cvr", help="Conversion rate multiple, 0.7 = -30 %."),
    spend: float | None = typer.Option(
        None, "--spend", help="Pacing multiple: 10 spends ten times the budget's pace."
    ),
) -> None:
    """Set an account's shocks from now on, relative to its base (1 heals). Shocking twice
    to 1.4 leaves 1.4: the factors printed are the ones in effect.

    Example: kiki sandbox shock acme meta --cpm 1.5
    """
    from kiki.core.platform import Platform  # noqa: PLC0415  # kiki --help must stay fast

    where = Platform.parse(platform)
    with services_from_env(quiet=True) as kiki:
        factors = kiki.sandbox().shock(
            client, where, cpm_factor=cpm, cvr_factor=cvr, spend_factor=spend
        )
    typer.echo(
        f"{where.display_name} for {client} now at CPM x{factors.cpm:g}, "
        f"CVR x{factors.cvr:g}, pacing x{factors.spend:g} of its base"
    )


@app.command("show")
def show(
    client: str = _CLIENT,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Budgets, the shocks in effect, trailing CAC and the campaigns of a client's accounts.

    Example: kiki sandbox show acme --json
    """

    from kiki.cli.tables import sandbox_tables  # noqa: PLC0415
    from kiki.views import campaigns  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        view = kiki.sandbox().show(client, window_s=kiki.ports.settings.cac_window_s)
    if as_json:
        echo_json(campaigns.sandbox(view))
        return
    console = make_console()
    for table in sandbox_tables(view):
        console.print(table)


@app.command("reset")
def reset(client: str = _CLIENT) -> None:
    """Put a client's accounts back as they opened (campaigns, budgets, shocks, spend), as a
    person editing the accounts by hand would: KIKI's ledger is not told.

    Example: kiki sandbox reset acme
    """
    with services_from_env(quiet=True) as kiki:
        kiki.sandbox().reset(client)
    typer.echo(f"sandbox accounts of {client} reset to their opening state")


@app.command("outage")
def outage(
    platform: str = _PLATFORM,
    operation: str = typer.Option(
        "*", "--operation", help="read, set, create_campaign or * (all)."
    ),
    client: str | None = typer.Option(None, "--client", help="Only this client (default: all)."),
    times: int | None = typer.Option(
        None, "--times", min=1, help="Fail this many calls, then work (default: until healed)."
    ),
) -> None:
    """Make a platform's API fail, as an outage would, until ``kiki sandbox heal``.

    Example: kiki sandbox outage tiktok --operation set --times 1
    """
    from kiki.core.errors import InvalidInputError  # noqa: PLC0415  # kiki --help: fast
    from kiki.core.platform import Platform  # noqa: PLC0415

    if operation not in {"read", "set", "create_campaign", "*"}:
        raise InvalidInputError("--operation", "must be read, set, create_campaign or *")
    where = Platform.parse(platform)
    with services_from_env(quiet=True) as kiki:
        kiki.faults().fail(where, operation, client_id=client, times=times)
    how_long = f"{times} time(s)" if times else "until healed"
    typer.echo(f"{where.display_name} {operation} calls fail {how_long}")


@app.command("heal")
def heal(
    platform: str | None = typer.Argument(None, help="One platform (default: all)."),
) -> None:
    """End injected outages.

    Example: kiki sandbox heal
    """
    from kiki.core.platform import Platform  # noqa: PLC0415  # kiki --help must stay fast

    where = None if platform is None else Platform.parse(platform)
    with services_from_env(quiet=True) as kiki:
        kiki.faults().heal(where)
    typer.echo(f"healed {'every platform' if where is None else where.display_name}")
