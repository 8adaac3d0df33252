"""``kiki twin``: SyncTwin's pre-launch gate — simulate, launch, backtest, shadow mode, and the
gate learning from its outcomes (calibration, tune, review: ``kiki.cli.gate``)."""

from __future__ import annotations

from pathlib import Path

import typer

from kiki.cli import gate
from kiki.cli.context import echo_json, load_settings, services_from_env

app = typer.Typer(help="SyncTwin: the pre-launch Monte Carlo gate.", no_args_is_help=True)

_PROGRESS_FROM_ROWS = 2_000  # below this a backtest is over before a bar could help


@app.command("simulate")
def simulate_command(
    *,
    strategy_file: Path = typer.Option(..., "--strategy", help="Strategy JSON (currency units)."),
    baseline_file: Path = typer.Option(..., "--baseline", help="Baseline JSON (currency units)."),
    simulations: int | None = typer.Option(None, "--simulations", help="Default: settings."),
    seed: int | None = typer.Option(None, "--seed", help="Replay a run; default: fresh entropy."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    plot: Path | None = typer.Option(None, "--plot", help="Write a histogram PNG here."),
) -> None:
    """Simulate a strategy against a baseline; writes nothing but the optional plot.

    Example: kiki twin simulate --strategy s.json --baseline b.json --seed 42 --plot uplift.png
    """
    from kiki.application import inputs  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.application.twin_services import simulate_strategy  # noqa: PLC0415
    from kiki.cli.files import read_json  # noqa: PLC0415
    from kiki.cli.twin_render import plot_uplift, print_verdict  # noqa: PLC0415
    from kiki.core.errors import InvalidInputError  # noqa: PLC0415
    from kiki.views import twin  # noqa: PLC0415

    strategy = inputs.strategy(read_json(strategy_file, "--strategy"))
    baseline = inputs.baseline(read_json(baseline_file, "--baseline"))
    if plot is not None:
        plot_uplift.check(plot)
    if baseline is None:
        raise InvalidInputError("--baseline", "must hold a baseline object")
    result = simulate_strategy(
        load_settings(),
        strategy,
        baseline,
        seed=seed,
        simulations=simulations,
        keep_samples=plot is not None,
    )
    if plot is not None:
        plot_uplift(result, plot)
    if as_json:
        echo_json(twin.simulation(result))
        return
    print_verdict(result)
    if plot is not None:
        typer.echo(f"histogram written to {plot}")


@app.command("launch")
def launch_command(
    client: str = typer.Option(..., "--client", help="Client id."),
    strategy_file: Path = typer.Option(..., "--strategy", help="Strategy JSON (currency units)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Launch through the gate: create the campaign only if the twin approves. No override.
    A rejection exits 1 with the seed's message; its decision id feeds ``twin outcomes``.

    Example: kiki twin launch --client acme --strategy s.json
    """
    from kiki.application import inputs  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.cli.files import read_json  # noqa: PLC0415
    from kiki.cli.twin_render import print_launch  # noqa: PLC0415
    from kiki.views import twin  # noqa: PLC0415

    strategy = inputs.strategy(read_json(strategy_file, "--strategy"))
    with services_from_env(quiet=True) as kiki:
        outcome = kiki.launch(client, strategy)
    if as_json:
        echo_json(twin.launch(outcome))
    else:
        print_launch(outcome)
    if not outcome.approved:
        raise typer.Exit(1)


@app.command("baseline")
def baseline_command(
    client: str = typer.Option(..., "--client", help="Client id."),
    baseline_file: Path = typer.Option(..., "--baseline", help="Baseline JSON (currency units)."),
) -> None:
    """Record a client's baseline by hand (until SyncValue supplies it); audited.

    Example: kiki twin baseline --client acme --baseline b.json
    """
    from kiki.application import inputs  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.cli.files import read_json  # noqa: PLC0415

    baseline = inputs.baseline(read_json(baseline_file, "--baseline"))
    if baseline is None:
        from kiki.core.errors import InvalidInputError  # noqa: PLC0415

        raise InvalidInputError("--baseline", "must hold a baseline object")
    with services_from_env(quiet=True) as kiki:
        kiki.record_baseline(inputs.check_client(client, field="--client"), baseline)
    typer.echo(f"baseline recorded for {client}")


@app.command("backtest")
def backtest_command(
    file: Path = typer.Argument(..., help="CSV: one historical campaign per row."),
    simulations: int | None = typer.Option(None, "--simulations", help="Default: settings."),
    seed: int | None = typer.Option(None, "--seed", help="Replay a backtest."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Would the gate have got these campaigns right? Confusion matrix, FN/FP rates, threshold.

    Columns: campaign_id (optional), audience_size, cvr, daily_budget, avg_order_value,
    monthly_revenue, monthly_ad_spend, actual_net_profit (money in currency units).

    Example: kiki twin backtest history.csv --seed 7
    """
    from rich.console import Console  # noqa: PLC0415  # kiki --help must stay fast
    from rich.progress import Progress  # noqa: PLC0415

    from kiki.application.twin_services import backtest  # noqa: PLC0415
    from kiki.cli.files import read_csv  # noqa: PLC0415
    from kiki.cli.twin_render import print_backtest  # noqa: PLC0415
    from kiki.synctwin.services.backtest import HistoricalCampaign  # noqa: PLC0415
    from kiki.views import twin  # noqa: PLC0415

    campaigns = [HistoricalCampaign.from_row(row, line) for line, row in read_csv(file)]
    settings = load_settings()
    if len(campaigns) >= _PROGRESS_FROM_ROWS and not as_json:
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("simulating campaigns", total=len(campaigns))
            report = backtest(
                settings,
                campaigns,
                seed=seed,
                simulations=simulations,
                progress=lambda n: progress.advance(task, n),
            )
    else:
        report = backtest(settings, campaigns, seed=seed, simulations=simulations)
    if as_json:
        echo_json(twin.backtest(report))
    else:
        print_backtest(report)


@app.command("outcomes")
def outcomes_command(
    file: Path = typer.Argument(..., help="CSV: decision_id, actual_net_profit."),
    as_json: bool = typer.Option(False, "--json", help="Print the shadow report as JSON."),
) -> None:
    """Import real outcomes of past gate decisions; report the gate's FN and FP rates.

    Example: kiki twin outcomes outcomes.csv --json
    """
    from kiki.cli.files import read_csv  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.cli.twin_render import rate  # noqa: PLC0415
    from kiki.core.money import Money  # noqa: PLC0415
    from kiki.views import twin  # noqa: PLC0415

    pairs = [
        (
            (row.get("decision_id") or "").strip(),
            Money.parse(
                row.get("actual_net_profit"),
                field=f"{file.name} line {line}: actual_net_profit",
                allow_negative=True,
            ),
        )
        for line, row in read_csv(file)
    ]
    with services_from_env(quiet=True) as kiki:
        imported, report = kiki.import_outcomes(pairs)
    body = twin.shadow(report, imported=imported)
    if as_json:
        echo_json(body)
        return
    for key, value in body.items():
        typer.echo(f"{key}: {rate(value) if 'rate' in key else value}")


# The gate learning from its outcomes (kiki.cli.gate): calibration, tune, review.
app.command("calibration")(gate.calibration_command)
app.command("tune")(gate.tune_command)
app.command("review")(gate.review_command)
