"""``kiki twin``: SyncTwin's pre-launch gate — simulate, launch, backtest, shadow mode, and the
gate learning from its outcomes (calibration, tune, review: ``kiki.cli.gate``)."""

from __future__ import annotations

from pathlib import Path

import typer

from kiki.cli import gate
from kiki.cli.context import echo_json, load_settings, services_from_env

app = typer.Typer(help="SyncTwin: the pre-launch Monte Carlo gate.", no_args_is_help=True)

_PROGRESS_FROM_ROWS = 2_000  # below this a backtest is over before a bar could help
_BACKTEST_COLUMNS = (
    "audience_size",
    "cvr",
    "daily_budget",
    "avg_order_value",
    "monthly_revenue",
    "monthly_ad_spend",
    "actual_net_profit",
)


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
    allow_duplicate: bool = typer.Option(
        False, "--allow-duplicate", help="Launch a strategy this client already launched."
    ),
) -> None:
    """Launch through the gate: create the campaign only if the twin approves. No override.
    A rejection exits 1 with the gate's message; its decision id feeds `kiki twin outcomes`.
    A strategy already launched for the client is refused (exit 2) without --allow-duplicate.

    Example: kiki twin launch --client acme --strategy s.json
    """
    from kiki.application import inputs  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.cli.files import read_json  # noqa: PLC0415
    from kiki.cli.twin_render import print_launch  # noqa: PLC0415
    from kiki.core.errors import InvalidInputError  # noqa: PLC0415
    from kiki.views import twin  # noqa: PLC0415

    strategy = inputs.strategy(read_json(strategy_file, "--strategy"))
    with services_from_env(quiet=True) as kiki:
        launched = [
            d
            for d in kiki.gate_decisions(client)
            if d.campaign_id is not None and d.strategy == strategy
        ]
        if launched and not allow_duplicate:
            first = launched[-1]
            raise InvalidInputError(
                "--strategy",
                f"already launched for {client} as campaign {first.campaign_id} (decision "
                f"{first.decision_id}, {len(launched)} launch(es)); add --allow-duplicate to "
                "launch it again",
            )
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
    """Would the gate have got these campaigns right? Approved/rejected against profitable/lost,
    the false-negative and false-positive rates, and a threshold meeting their targets.

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

    rows = read_csv(file, required=_BACKTEST_COLUMNS)
    campaigns = [HistoricalCampaign.from_row(row, line) for line, row in rows]
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
    """Import real outcomes of past gate decisions; report the gate's false-negative and
    false-positive rates. Every decision id is checked before any is recorded.

    Example: kiki twin outcomes outcomes.csv --json
    """
    from kiki.cli.files import read_csv  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.cli.twin_render import print_shadow  # noqa: PLC0415
    from kiki.core.errors import InvalidInputError  # noqa: PLC0415
    from kiki.core.money import Money  # noqa: PLC0415
    from kiki.views import twin  # noqa: PLC0415

    rows = [
        (
            line,
            (row.get("decision_id") or "").strip(),
            Money.parse(
                row.get("actual_net_profit"),
                field=f"{file.name} line {line}: actual_net_profit",
                allow_negative=True,
            ),
        )
        for line, row in read_csv(file, required=("decision_id", "actual_net_profit"))
    ]
    with services_from_env(quiet=True) as kiki:
        known = {d.decision_id: d for d in kiki.gate_decisions()}
        for line, decision_id, _ in rows:  # every id checked before any is recorded
            if decision_id not in known:
                raise InvalidInputError(
                    f"{file.name} line {line}: decision_id",
                    f"no gate decision {decision_id!r} (see kiki twin decisions)",
                )
        same = sum(1 for _, d, profit in rows if known[d].actual_net_profit == profit)
        replaced = sum(
            1 for _, d, profit in rows if known[d].actual_net_profit not in (None, profit)
        )
        imported, report = kiki.import_outcomes([(d, profit) for _, d, profit in rows])
    body = twin.shadow(report, imported=imported)
    body["new"] = imported - same - replaced
    body["already_known"] = same
    body["replaced"] = replaced
    if as_json:
        echo_json(body)
        return
    print_shadow(body, source=file.name)


@app.command("decisions")
def decisions_command(
    client: str | None = typer.Option(None, "--client", help="Only this client's decisions."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The gate's decisions, oldest first: approved or rejected, the confidence, the campaign
    launched, and the real outcome once imported (``twin outcomes`` needs the decision ids).

    Example: kiki twin decisions --client acme
    """
    from kiki.cli.twin_render import print_decisions  # noqa: PLC0415  # kiki --help: fast
    from kiki.views import twin  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        found = kiki.gate_decisions(client)
    if as_json:
        echo_json([twin.decision(d) for d in found])
        return
    print_decisions(found)


# The gate learning from its outcomes (kiki.cli.gate): calibration, tune, review.
app.command("calibration")(gate.calibration_command)
app.command("tune")(gate.tune_command)
app.command("review")(gate.review_command)
