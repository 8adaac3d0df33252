"""``kiki audit``: SyncShield's audit trail."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, make_console, services_from_env

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def verify(as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")) -> None:
    """Recompute the hash chain; exit 1 if any entry was edited, inserted or deleted.

    Example: kiki audit verify --json
    """

    from kiki.views import records  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        report = kiki.verify_audit()
    if as_json:
        echo_json(records.chain(report))
    else:
        console = make_console()
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
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
) -> None:
    """Print the audit events, oldest first.

    Example: kiki audit list --client acme
    """
    from kiki.views import records  # noqa: PLC0415  # kiki --help must stay fast

    with services_from_env(quiet=True) as kiki:
        entries = kiki.audit_entries(client)
    rows = [records.audit_entry(e) for e in entries]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        typer.echo(
            f"{row['seq']:>5}  {row['at']}  {row['event_type']:<26} "
            f"{row['client_id'] or '-'}  {row['reason'] or ''}"
        )
