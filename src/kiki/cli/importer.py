"""``kiki import``: a client's customers, orders or ad spend from a CSV file, all or nothing."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from kiki.cli.context import app_from_env
from kiki.syncvalue.domain.records import RecordKind
from kiki.syncvalue.errors import CsvRowError
from kiki.syncvalue.services.import_csv import import_csv

app = typer.Typer(
    help="Import CSV files for SyncValue (columns: see the README).", no_args_is_help=True
)

_FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The CSV file.")
_CLIENT = typer.Option(..., "--client", help="The client the rows belong to.")


def _import(kind: RecordKind, file: Path, client: str) -> None:
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with (
        app_from_env(quiet=True) as kiki,
        Progress(
            *columns, console=console, transient=True, disable=not console.is_terminal
        ) as progress,
        file.open("rb") as stream,
    ):
        task = progress.add_task(f"{kind.value} {file.name}", total=file.stat().st_size)
        try:
            result = import_csv(
                kind,
                stream,
                client_id=client,
                importer=kiki.value_importer,
                on_progress=lambda done: progress.update(task, completed=done),
            )
        except CsvRowError as exc:
            raise exc.in_file(file.name) from exc
    typer.echo(
        f"{file.name}: {result.rows:,} {kind.value} rows for {client}: "
        f"{result.new:,} new, {result.already_present:,} already present"
    )


@app.command("orders")
def orders(file: Path = _FILE, client: str = _CLIENT) -> None:
    """Orders: customer_id, ordered_at, amount [, order_id, platform]."""
    _import(RecordKind.ORDERS, file, client)


@app.command("customers")
def customers(file: Path = _FILE, client: str = _CLIENT) -> None:
    """Customers: customer_id, platform, acquired_at."""
    _import(RecordKind.CUSTOMERS, file, client)


@app.command("spend")
def spend(file: Path = _FILE, client: str = _CLIENT) -> None:
    """Daily ad spend: date, platform, spend [, impressions, clicks, conversions]."""
    _import(RecordKind.SPEND, file, client)
