"""``kiki optimize``: one cycle for a client, or a what-if on a snapshot file."""

from __future__ import annotations

from pathlib import Path

import typer

from kiki.cli.context import echo_json, load_settings, make_console, services_from_env


def optimize(
    client: str | None = typer.Option(
        None, "--client", help="Client to optimise (its platforms, or the sandbox)."
    ),
    input_file: Path | None = typer.Option(None, "--input", help="What-if: a snapshot JSON file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Plan only; move no money."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Run one optimisation cycle (efficiency = LTV/CAC; budget leaves platforms below the
    cut-off for the best one) and show what moved.

    Example: kiki optimize --client acme --dry-run
    """

    from kiki.application.flow_services import what_if  # noqa: PLC0415
    from kiki.cli.files import read_json  # noqa: PLC0415
    from kiki.cli.tables import plan_lines, plan_table, shift_lines  # noqa: PLC0415
    from kiki.core.errors import InvalidInputError  # noqa: PLC0415
    from kiki.views import flow  # noqa: PLC0415

    if (client is None) == (input_file is None):
        raise InvalidInputError("--client/--input", "give exactly one of them")
    if input_file is not None:
        if not dry_run:
            raise InvalidInputError("--dry-run", "a snapshot is a what-if: add --dry-run")
        plan = what_if(read_json(input_file, "--input"), load_settings())
        if as_json:
            echo_json(flow.plan(plan))
        else:
            console = make_console()
            console.print(plan_table(plan))
            for line in plan_lines(plan):
                console.print(line)
        return
    assert client is not None  # noqa: S101  # narrowed by the check above
    with services_from_env(quiet=as_json) as kiki:
        report = kiki.run_cycle(client, dry_run=dry_run)
        note = kiki.left_out_note(client, report.plan, report.at)
    if as_json:
        echo_json(flow.cycle(report, note=note))
        return
    console = make_console()
    console.print(f"cycle for [bold]{client}[/]: {report.status.value}")
    if report.plan is not None:
        console.print(plan_table(report.plan))
    for line in shift_lines(report, planned=dry_run):
        console.print(line)
    if note is not None:
        console.print(f"  why: {note}")
