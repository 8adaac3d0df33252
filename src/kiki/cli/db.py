"""``kiki db``: the database schema."""

from __future__ import annotations

import typer

from kiki.cli.context import services_from_env

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Migrate the configured database to the current schema (idempotent).

    Example: kiki db upgrade   (with KIKI_DATABASE_URL=postgresql://localhost/kiki)
    """
    with services_from_env(quiet=True) as kiki:
        typer.echo(f"schema up to date: {kiki.ports.database}")
