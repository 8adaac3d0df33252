"""The ``kiki`` entrypoint: the command groups and the one table from error to exit code.

Command modules import only Typer at load time, so ``kiki --help`` does not pay for the
database, the web stack or numpy; each command imports what it uses when it runs.
"""

from __future__ import annotations

import sys

import typer

from kiki.cli import (
    audit,
    campaigns,
    chaos,
    client_settings,
    clients,
    db,
    demo,
    guardian,
    importer,
    ledger,
    mirror,
    optimize,
    platforms,
    sandbox,
    serve,
    tenants,
    twin,
    value,
)
from kiki.core.errors import ConfigurationError, InvalidInputError, KikiError


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version  # noqa: PLC0415  # only when asked

        typer.echo(f"kiki {version('kiki')}")
        raise typer.Exit


app = typer.Typer(
    name="kiki",
    help="KIKI: move advertising money safely across six ad platforms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """KIKI: move advertising money safely across six ad platforms."""


app.command("demo")(demo.demo)
app.command("optimize")(optimize.optimize)
app.add_typer(ledger.app, name="ledger")
app.add_typer(audit.app, name="audit")
app.add_typer(db.app, name="db")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(campaigns.app, name="campaigns")
app.add_typer(clients.app, name="clients")
app.add_typer(client_settings.app, name="settings")
app.add_typer(twin.app, name="twin")
app.add_typer(importer.app, name="import")
app.add_typer(value.app, name="value")
app.add_typer(tenants.app, name="tenants")
app.command("serve")(serve.serve)
app.add_typer(guardian.app, name="guardian")
app.add_typer(chaos.app, name="chaos")
app.add_typer(platforms.app, name="platforms")
app.add_typer(mirror.app, name="mirror")


def exit_code(exc: KikiError) -> int:
    """0 ok, 1 the operation failed, 2 bad input (usage errors too, as click does),
    3 unknown client or campaign, 4 configuration."""
    from kiki.platforms.errors import CampaignNotFoundError, UnknownClientError  # noqa: PLC0415
    from kiki.synctwin.errors import NoBaselineError  # noqa: PLC0415

    table: list[tuple[type[KikiError], int]] = [
        (InvalidInputError, 2),
        (UnknownClientError, 3),
        (CampaignNotFoundError, 3),
        (NoBaselineError, 3),
        (ConfigurationError, 4),
        (KikiError, 1),
    ]
    return next(code for kind, code in table if isinstance(exc, kind))


def main() -> None:
    try:
        # Standalone: usage errors print and exit 2, typer.Exit exits with its code.
        app()
    except KikiError as exc:
        from kiki.platforms.errors import UnknownClientError  # noqa: PLC0415

        hint = " (kiki clients list shows the known clients)"
        sys.stderr.write(f"error: {exc}{hint if isinstance(exc, UnknownClientError) else ''}\n")
        sys.exit(exit_code(exc))
