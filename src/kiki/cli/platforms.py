"""``kiki platforms``: connect a client's platforms to real ad accounts, list, disconnect and
check them."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, make_console, services_from_env

app = typer.Typer(help="Connections of clients' platforms to ad accounts.", no_args_is_help=True)

_CLIENT = typer.Argument(..., help="The client id.")
_PLATFORM = typer.Argument(..., help="meta, google, microsoft, … (or PLATFORM_META).")


@app.command("connect")
def connect(
    client: str = _CLIENT,
    platform: str = _PLATFORM,
    account: str = typer.Option(..., "--account", help="The ad account id at the platform."),
    adapter: str | None = typer.Option(
        None,
        "--adapter",
        help="sandbox, meta, google, microsoft, tiktok, linkedin, amazon or csv "
        "(default: the platform's).",
    ),
    credentials: str | None = typer.Option(
        None,
        "--credentials",
        help="A section of KIKI_SECRETS_FILE holding the credentials (default: KIKI_* variables).",
    ),
) -> None:
    """Serve the client's platform through an adapter on an ad account; audited.

    Example: kiki platforms connect acme meta --account act_1234567890 --credentials acme-meta
    """
    from kiki.core.platform import Platform  # noqa: PLC0415  # kiki --help must stay fast

    name = adapter or Platform.parse(platform).name.lower()
    with services_from_env(quiet=True) as kiki:
        done = kiki.connect(
            client, platform, adapter=name, account=account, credentials=credentials
        )
    c = done.connection
    verb = "reconnected" if done.replaced else "connected"
    typer.echo(
        f"{verb} {c.client_id} {c.platform.display_name} to account {c.account_id} "
        f"through {c.adapter} (credentials: {c.credentials or 'environment'})"
    )


@app.command("list")
def list_connections(
    client: str | None = typer.Option(None, "--client", help="Only this client's connections."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Connected platforms; the others use the default adapter (KIKI_PLATFORMS).

    Example: kiki platforms list --client acme --json
    """

    from kiki.cli.tables import connections_table  # noqa: PLC0415
    from kiki.views import platforms as views  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        found = kiki.connections(client)
    if as_json:
        echo_json(views.connections(found))
        return
    make_console().print(connections_table(found))


@app.command("disconnect")
def disconnect(client: str = _CLIENT, platform: str = _PLATFORM) -> None:
    """Forget a connection: the platform goes back to the default adapter; audited.

    Example: kiki platforms disconnect acme meta
    """
    with services_from_env(quiet=True) as kiki:
        gone = kiki.disconnect(client, platform)
    typer.echo(f"disconnected {gone.client_id} {gone.platform.display_name} ({gone.adapter})")


@app.command("check")
def check(
    client: str = _CLIENT,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
) -> None:
    """Read each connected account once: budget, spend today, conversions, campaigns, or why
    not (bad token, no access, unreachable). Exit 1 if any account cannot be read.

    Example: kiki platforms check acme
    """
    from kiki.cli.tables import check_lines  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.views import platforms as views  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        result = kiki.check_platforms(client)
    if as_json:
        echo_json(views.check(result))
    elif not result.accounts:
        typer.echo(f"{result.client_id} has no connected platforms (all use KIKI_PLATFORMS)")
    else:
        for line in check_lines(result):
            typer.echo(line)
    if not result.ok:
        raise typer.Exit(1)
