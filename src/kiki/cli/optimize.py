"""``kiki optimize``: one cycle for a client, or a what-if on a snapshot file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console

from kiki.bootstrap import optimizer_defaults
from kiki.cli.context import app_from_env
from kiki.cli.render import plan_table, shift_lines
from kiki.core.errors import InvalidInputError
from kiki.settings import Settings
from kiki.syncflow.domain.plan import plan_cycle
from kiki.syncflow.snapshot import parse_snapshot, plan_to_dict


def optimize(
    client: str | None = typer.Option(
        None, "--client", help="Client to optimise (sandbox or platforms)."
    ),
    input_file: Path | None = typer.Option(None, "--input", help="What-if: a snapshot JSON file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Plan only; move no money."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Run one optimisation cycle (the seed's five steps) and show what moved."""
    if (client is None) == (input_file is None):
        raise InvalidInputError("--client/--input", "give exactly one of them")
    if input_file is not None:
        _what_if(input_file, dry_run=dry_run, as_json=as_json)
        return
    assert client is not None  # noqa: S101  # narrowed by the check above
    with app_from_env(quiet=as_json) as kiki:
        report = kiki.run_cycle(client, dry_run=dry_run)
    if as_json:
        body = plan_to_dict(report.plan) if report.plan else {}
        body["status"] = report.status.value
        body["outcomes"] = [
            {
                "shift_id": o.shift_id,
                "from": o.shift.source.value,
                "to": o.shift.destination.value,
                "amount": o.shift.amount.to_units(),
                "result": o.result.value,
                "detail": o.detail,
            }
            for o in report.outcomes
        ]
        typer.echo(json.dumps(body, indent=2))
        return
    console = Console()
    console.print(f"cycle for [bold]{client}[/]: {report.status.value}")
    if report.plan is not None:
        console.print(plan_table(report.plan))
        for line in shift_lines(report):
            console.print(line)


def _what_if(path: Path, *, dry_run: bool, as_json: bool) -> None:
    if not dry_run:
        raise InvalidInputError("--dry-run", "a snapshot is a what-if: add --dry-run")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError("--input", f"no such file: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError("--input", f"not valid JSON: {exc}") from None
    inputs, config = parse_snapshot(data, optimizer_defaults(Settings()))
    # A snapshot has no history: no cool-down or window usage applies.
    plan = plan_cycle(inputs, config, usage={}, now=datetime(1970, 1, 1, tzinfo=UTC))
    if as_json:
        typer.echo(json.dumps(plan_to_dict(plan), indent=2))
    else:
        Console().print(plan_table(plan))
