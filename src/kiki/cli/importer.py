"""``kiki import``: a client's customers, orders or ad spend from a CSV file, all or nothing."""

from __future__ import annotations

from pathlib import Path

import typer

from kiki.cli.context import services_from_env

app = typer.Typer(
    help="Import CSV files for SyncValue (columns: see the README).", no_args_is_help=True
)

_FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The CSV file.")
_CLIENT = typer.Option(..., "--client", help="The client the rows belong to.")


def _import(kind_name: str, file: Path, client: str) -> None:
    from rich.console import Console  # noqa: PLC0415  # kiki --help must stay fast
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from kiki.syncvalue.domain.records import RecordKind  # noqa: PLC0415
    from kiki.syncvalue.errors import CsvRowError  # noqa: PLC0415

    kind = RecordKind(kind_name)
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with (
        services_from_env(quiet=True) as kiki,
        Progress(
            *columns,
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as progress,
        file.open("rb") as stream,
    ):
        task = progress.add_task(f"{kind.value} {file.name}", total=file.stat().st_size)
        try:
            result = kiki.import_file(
                kind,
                stream,
                client_id=client,
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
    """Orders: customer_id, ordered_at, amount [, order_id, platform].

    Example: kiki import orders orders.csv --client acme
    """
    _import("orders", file, client)


@app.command("customers")
def customers(file: Path = _FILE, client: str = _CLIENT) -> None:
    """Customers: customer_id, platform, acquired_at.

    Example: kiki import customers customers.csv --client acme
    """
    _import("customers", file, client)


@app.command("spend")
def spend(file: Path = _FILE, client: str = _CLIENT) -> None:
    """Daily ad spend: date, platform, spend [, impressions, clicks, conversions].

    Example: kiki import spend spend.csv --client acme
    """
    _import("spend", file, client)
