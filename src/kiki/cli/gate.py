"""``kiki twin calibration | tune | review``: the gate learning from its outcomes.

Registered on ``kiki twin`` by ``kiki.cli.twin``; like every command module, only Typer is
imported at load time.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kiki.cli.context import echo_json, services_from_env

_CLIENT_HELP = "Client id; default: every client together (a threshold then is the fleet's)."


def calibration_command(
    client: str | None = typer.Option(None, "--client", help=_CLIENT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    plot: Path | None = typer.Option(None, "--plot", help="Write a reliability diagram PNG."),
) -> None:
    """Is the gate's confidence a probability? A reliability table (ten bins, share
    profitable with its 95 % Wilson interval), Brier score, log loss and ECE, per client and
    overall, over every decision whose outcome was imported.

    Example: kiki twin calibration --client acme --plot calibration.png
    """
    from dataclasses import replace  # noqa: PLC0415  # kiki --help must stay fast

    from kiki.application import inputs  # noqa: PLC0415
    from kiki.cli.gate_render import check_png, print_calibration  # noqa: PLC0415
    from kiki.synctwin.plots import plot_reliability  # noqa: PLC0415
    from kiki.views import gate  # noqa: PLC0415

    if client is not None:
        inputs.check_client(client, field="--client")
    if plot is not None:
        check_png(plot)
    with services_from_env(quiet=True) as kiki:
        report = kiki.gate_calibration(client)
    shown = report.overall if client is None else replace(report.overall, client_id=client)
    if plot is not None:
        plot_reliability(shown, plot)
    if as_json:
        echo_json(gate.calibration(report))
        return
    print_calibration(report, shown)
    if plot is not None:
        typer.echo(f"reliability diagram written to {plot}")


def tune_command(
    client: str | None = typer.Option(None, "--client", help=_CLIENT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the tuning as JSON."),
    plot: Path | None = typer.Option(None, "--plot", help="Write the threshold sweep as PNG."),
    apply: bool = typer.Option(
        False, "--apply", help="Store the recommended threshold (audited); exit 1 if refused."
    ),
) -> None:
    """Sweep the confidence threshold over the decisions with outcomes: each cut point's
    false-negative and false-positive rates (95 % Wilson) and the net profit it would have
    protected or forgone; recommend the one with the most net profit keeping FN < 5 % and
    FP < 10 %, or say why none can. --apply never moves a threshold on fewer than 73
    profitable and 35 losing outcomes.

    Example: kiki twin tune --client acme --plot tune.png --apply
    """
    from kiki.application import inputs  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.cli.gate_render import check_png, print_tuning  # noqa: PLC0415
    from kiki.synctwin.plots import plot_tuning  # noqa: PLC0415
    from kiki.synctwin.services.tune_threshold import ChangeStatus  # noqa: PLC0415
    from kiki.views import gate  # noqa: PLC0415

    if client is not None:
        inputs.check_client(client, field="--client")
    if plot is not None:
        check_png(plot)
    with services_from_env(quiet=True) as kiki:
        change = kiki.tune_gate(client, apply=apply)
    if plot is not None:
        plot_tuning(change.tuning, plot)
    if as_json:
        echo_json(gate.threshold_change(change) if apply else gate.tuning(change))
    else:
        print_tuning(change)
        if plot is not None:
            typer.echo(f"threshold sweep written to {plot}")
    if apply and change.status is ChangeStatus.REFUSED:
        typer.echo(f"error: not applied: {change.tuning.explain()}", err=True)
        raise typer.Exit(1)


def review_command(
    since: str | None = typer.Option(
        None, "--since", help="7d (default), 24h, 2w, or an ISO date such as 2026-03-02."
    ),
    client: str | None = typer.Option(None, "--client", help="Client id; default: every one."),
    as_json: bool = typer.Option(False, "--json", help="Print the review as JSON."),
) -> None:
    """The weekly review: the campaigns the gate rejected in the period with their confidence,
    risk, projected uplift and shadow outcome; the false-negative and false-positive rates over
    the trailing window (KIKI_REVIEW_TRAILING_DAYS) against their targets (under 5 % and under
    10 %); the recommended threshold.

    Example: kiki twin review --since 7d --client acme
    """
    from kiki.application import inputs  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.cli.gate_render import print_review  # noqa: PLC0415
    from kiki.core.errors import InvalidInputError  # noqa: PLC0415
    from kiki.views import gate  # noqa: PLC0415

    if client is not None:
        inputs.check_client(client, field="--client")
    with services_from_env(quiet=True) as kiki:
        try:
            review = kiki.gate_review(client, since=since)
        except InvalidInputError as exc:
            if exc.field != "since":
                raise
            raise InvalidInputError("--since", exc.rule) from None
    if as_json:
        echo_json(gate.review(review))
    else:
        print_review(review)
