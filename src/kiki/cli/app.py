"""The ``kiki`` entrypoint: the command groups and the one table from error to exit code."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from kiki.cli import (
    audit,
    db,
    demo,
    importer,
    ledger,
    optimize,
    sandbox,
    serve,
    tenants,
    twin,
    value,
)
from kiki.core.errors import ConfigurationError, InvalidInputError, KikiError
from kiki.platforms.errors import UnknownClientError
from kiki.synctwin.errors import NoBaselineError

app = typer.Typer(
    name="kiki",
    help="KIKI: move advertising money safely across six ad platforms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("demo")(demo.demo)
app.command("optimize")(optimize.optimize)
app.add_typer(ledger.app, name="ledger")
app.add_typer(audit.app, name="audit")
app.add_typer(db.app, name="db")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(twin.app, name="twin")
app.add_typer(importer.app, name="import")
app.add_typer(value.app, name="value")
app.add_typer(tenants.app, name="tenants")
app.command("serve")(serve.serve)

# Exit codes: 0 ok, 1 operation failed, 2 bad input (usage errors, too, as click does),
# 3 unknown client, 4 configuration.
_EXIT_CODES: list[tuple[type[KikiError], int]] = [
    (InvalidInputError, 2),
    (UnknownClientError, 3),
    (NoBaselineError, 3),
    (ConfigurationError, 4),
    (KikiError, 1),
]


def main() -> None:
    try:
        # Standalone: usage errors print and exit 2, typer.Exit exits with its code.
        app()
    except KikiError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(next(code for kind, code in _EXIT_CODES if isinstance(exc, kind)))
