"""``kiki guardian``: MarginGuardian on demand, and a client's thresholds."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, services_from_env

app = typer.Typer(
    help="MarginGuardian: the circuit breaker on live campaigns.", no_args_is_help=True
)


@app.command("run")
def run(
    client: str | None = typer.Option(None, "--client", help="Only this client's campaigns."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
) -> None:
    """One guardian pass now over every active campaign (of one client, or of all): pause on a
    margin breach or a budget overrun, roll back on a conversion-rate drop, nudge bids.

    Example: kiki guardian run --client acme --json
    """
    from kiki.views import guardian  # noqa: PLC0415  # kiki --help must stay fast

    with services_from_env(quiet=as_json) as kiki:
        reports = kiki.run_guardian(client)
    if as_json:
        echo_json(guardian.guard_reports(reports))
        return
    for report in reports:
        held = ", ".join(p.display_name for p in report.held_platforms)
        typer.echo(
            f"{report.client_id}: {len(report.outcomes)} campaign(s), "
            f"{len(report.actions)} action(s)" + (f"; held (API down): {held}" if held else "")
        )
        for item in report.actions:
            rule = item.rule.value if item.rule else ""
            typer.echo(f"  {item.outcome.value} {item.campaign_id} [{rule}] {item.detail}")


@app.command("settings")
def settings(
    client: str = typer.Argument(..., help="The client id."),
    set_: list[str] = typer.Option(
        [], "--set", help="NAME=VALUE, e.g. gross_margin=0.55 (repeatable)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a client's guardian thresholds, or change some (the rest follow the settings).

    Example: kiki guardian settings acme --set gross_margin=0.55 --set margin_floor=0.1
    """
    from kiki.core.errors import InvalidInputError  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.views import guardian  # noqa: PLC0415

    changes: dict[str, object] = {}
    for item in set_:
        name, sep, value = item.partition("=")
        if not sep:
            raise InvalidInputError("--set", f"{item!r} is not NAME=VALUE")
        changes[name.strip()] = value.strip()
    with services_from_env(quiet=True) as kiki:
        if changes:
            found = kiki.change_guardian_thresholds(client, changes)
        else:
            found = kiki.guardian_thresholds(client)
    body = guardian.thresholds(client, found)
    if as_json:
        echo_json(body)
        return
    for name, value in body.items():
        typer.echo(f"{name}: {value}")
