"""``kiki audit``: SyncShield's audit trail."""

from __future__ import annotations

import json

import typer
from rich.console import Console

from kiki.cli.context import app_from_env

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def verify(as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")) -> None:
    """Recompute the hash chain; exit 1 if any entry was edited, inserted or deleted."""
    with app_from_env(quiet=True) as kiki:
        report = kiki.audit.verify()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "entries": report.entries,
                    "ok": report.ok,
                    "problems": list(report.problems),
                    "head_hash": report.head_hash,
                }
            )
        )
    else:
        console = Console()
        if report.ok:
            console.print(
                f"audit trail intact: {report.entries} entries, head {report.head_hash[:16]}…"
            )
        for problem in report.problems:
            console.print(f"[red]broken:[/] {problem}")
    if not report.ok:
        raise typer.Exit(1)


@app.command("list")
def list_entries(
    client: str | None = typer.Option(None, "--client", help="Only this client's events."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Print the audit events, oldest first."""
    with app_from_env(quiet=True) as kiki:
        entries = kiki.audit.entries(client_id=client)
    rows = [
        {
            "seq": e.seq,
            "at": e.event.at.isoformat(),
            "event_type": e.event.event_type,
            "client_id": e.event.client_id,
            "reason": e.event.reason,
            "metadata": e.event.metadata,
        }
        for e in entries
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        typer.echo(
            f"{row['seq']:>5}  {row['at']}  {row['event_type']:<26} "
            f"{row['client_id'] or '-'}  {row['reason'] or ''}"
        )
