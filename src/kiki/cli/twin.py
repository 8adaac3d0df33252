"""``kiki twin``: SyncTwin's pre-launch gate — simulate, launch, backtest, shadow mode."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress

from kiki.cli.context import app_from_env
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.settings import Settings
from kiki.syncshield.chain import AuditEvent
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import SimulationResult, simulate
from kiki.synctwin.errors import CampaignRejectedError
from kiki.synctwin.services.backtest import BacktestReport, HistoricalCampaign, run_backtest
from kiki.synctwin.services.shadow import import_outcomes, shadow_report

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
    """Simulate a strategy against a baseline; writes nothing but the optional plot."""
    strategy = Strategy.from_dict(_read_json(strategy_file, "--strategy"))
    baseline = Baseline.from_dict(_read_json(baseline_file, "--baseline"))
    settings = Settings()
    result = simulate(
        strategy,
        baseline,
        simulations=settings.simulations if simulations is None else simulations,
        variance=settings.variance,
        seed=seed,
        threshold=settings.confidence_threshold,
        keep_samples=plot is not None,
    )
    if plot is not None:
        _plot(result, plot)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    _print_verdict(result)
    if plot is not None:
        typer.echo(f"histogram written to {plot}")


@app.command("launch")
def launch_command(
    client: str = typer.Option(..., "--client", help="Client id."),
    strategy_file: Path = typer.Option(..., "--strategy", help="Strategy JSON (currency units)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Launch through the gate: create the campaign only if the twin approves. No override."""
    strategy = Strategy.from_dict(_read_json(strategy_file, "--strategy"))
    with app_from_env(quiet=True) as kiki:
        try:
            launched = kiki.launch_campaign(client, strategy)
        except CampaignRejectedError as exc:
            if as_json:
                typer.echo(json.dumps({**exc.result.to_dict(), "decision_id": exc.decision_id}))
            raise
    if as_json:
        body = {
            **launched.result.to_dict(),
            "decision_id": launched.decision_id,
            "campaign_id": launched.campaign_id,
        }
        typer.echo(json.dumps(body, indent=2))
        return
    _print_verdict(launched.result)
    typer.echo(
        f"launched campaign {launched.campaign_id} on {strategy.platform.display_name} "
        f"(decision {launched.decision_id}); projected 30-day revenue "
        f"{launched.projection[-1].revenue.format(cents=True)}"
    )


@app.command("baseline")
def baseline_command(
    client: str = typer.Option(..., "--client", help="Client id."),
    baseline_file: Path = typer.Option(..., "--baseline", help="Baseline JSON (currency units)."),
) -> None:
    """Record a client's baseline by hand (until SyncValue supplies it); audited."""
    if not client.strip():
        raise InvalidInputError("--client", "must not be empty")
    baseline = Baseline.from_dict(_read_json(baseline_file, "--baseline"))
    with app_from_env(quiet=True) as kiki:
        now = kiki.clock.now()
        kiki.twin_baseline_book.put(client, baseline, at=now)
        kiki.audit.append(
            AuditEvent(
                event_type="TWIN_BASELINE_RECORDED",
                at=now,
                client_id=client,
                metadata=baseline.to_dict(),
            )
        )
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
    """
    campaigns = [HistoricalCampaign.from_row(row, line) for line, row in _read_csv(file)]
    settings = Settings()
    kwargs: dict[str, Any] = {
        "threshold": settings.confidence_threshold,
        "simulations": settings.simulations if simulations is None else simulations,
        "variance": settings.variance,
        "seed": seed,
    }
    if len(campaigns) >= _PROGRESS_FROM_ROWS and not as_json:
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("simulating campaigns", total=len(campaigns))
            report = run_backtest(campaigns, progress=lambda n: progress.advance(task, n), **kwargs)
    else:
        report = run_backtest(campaigns, **kwargs)
    if as_json:
        typer.echo(json.dumps(_backtest_dict(report), indent=2))
    else:
        _print_backtest(report)


@app.command("outcomes")
def outcomes_command(
    file: Path = typer.Argument(..., help="CSV: decision_id, actual_net_profit."),
    as_json: bool = typer.Option(False, "--json", help="Print the shadow report as JSON."),
) -> None:
    """Import real outcomes of past gate decisions; report the gate's FN and FP rates."""
    pairs = [
        (
            (row.get("decision_id") or "").strip(),
            Money.parse(
                row.get("actual_net_profit"),
                field=f"line {line}: actual_net_profit",
                allow_negative=True,
            ),
        )
        for line, row in _read_csv(file)
    ]
    with app_from_env(quiet=True) as kiki:
        imported = import_outcomes(pairs, store=kiki.twin_store, at=kiki.clock.now())
        report = shadow_report(store=kiki.twin_store)
    body = {
        "imported": imported,
        "decisions": report.decisions,
        "awaiting_outcome": report.awaiting_outcome,
        **report.confusion.to_dict(),
    }
    if as_json:
        typer.echo(json.dumps(body, indent=2))
        return
    for key, value in body.items():
        typer.echo(f"{key}: {_rate(value) if 'rate' in key else value}")


# -- rendering ------------------------------------------------------------------------------


def _print_verdict(result: SimulationResult) -> None:
    body = result.to_dict()
    details = body["simulation_details"]
    verdict = "APPROVED" if result.approved else "REJECTED"
    colour = "green" if result.approved else "red"
    console = Console()
    console.print(
        f"[bold {colour}]{verdict}[/] · ConfidenceScore {body['confidence_score']} "
        f"(threshold > {result.threshold}) · risk {result.risk_profile}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"projected net profit uplift ${body['projected_net_profit_uplift']:,.2f} · "
        f"p10 ${details['p10_uplift']:,.2f} · p90 ${details['p90_uplift']:,.2f}",
        highlight=False,
        soft_wrap=True,
    )
    exact = "" if result.exact_confidence is None else f" · exact {result.exact_confidence:.4f}"
    console.print(
        f"{details['positive_outcomes']:,} of {details['total_simulations']:,} scenarios "
        f"positive · standard error {result.standard_error:.4f}{exact} · seed {result.seed}",
        highlight=False,
        soft_wrap=True,
    )
    if result.within_noise:
        console.print(
            "[yellow]note:[/] the threshold is within two standard errors of this score; "
            "the verdict could flip with another seed or more simulations",
            highlight=False,
            soft_wrap=True,
        )


def _plot(result: SimulationResult, path: Path) -> None:
    import matplotlib  # noqa: PLC0415  # a heavy import only --plot needs

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if path.suffix.lower() != ".png":
        raise InvalidInputError("--plot", "must name a .png file")
    if result.samples is None:  # pragma: no cover - simulate_command always keeps them
        raise InvalidInputError("--plot", "needs the simulated samples")
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.hist(result.samples, bins=80, color="#8fb3d9", edgecolor="#5b84b1")
    marks = [
        (0.0, "zero", "black", "-"),
        (result.p10_uplift, f"p10 ${result.p10_uplift:,.0f}", "#c0392b", "--"),
        (result.median_all, f"median ${result.median_all:,.0f}", "#2c3e50", "-."),
        (result.p90_uplift, f"p90 ${result.p90_uplift:,.0f}", "#27ae60", "--"),
    ]
    for x, label, colour, style in marks:
        ax.axvline(x, color=colour, linestyle=style, linewidth=1.6, label=label)
    verdict = "APPROVED" if result.approved else "REJECTED"
    ax.set_title(
        f"SyncTwin: {verdict} · confidence {result.confidence:.3f} · "
        f"{result.total_simulations:,} scenarios · seed {result.seed}"[:110]
    )
    ax.set_xlabel("net profit uplift over 30 days ($)")
    ax.set_ylabel("scenarios")
    ax.legend()
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except OSError as exc:
        raise InvalidInputError("--plot", f"cannot write {path}: {exc.strerror}") from exc
    finally:
        plt.close(fig)


def _backtest_dict(report: BacktestReport) -> dict[str, Any]:
    return {
        "campaigns": len(report.campaigns),
        "seed": report.seed,
        "threshold": report.threshold,
        "confusion_matrix": report.confusion.to_dict(),
        "targets": {
            "false_negative_rate": report.fn_target,
            "false_positive_rate": report.fp_target,
        },
        "meets_targets": report.meets_targets,
        "threshold_meeting_targets": report.suggested_threshold,
        "thresholds": [
            {
                "from": b.low,
                "below": b.high,
                "meets_targets": b.confusion.meets(),
                **b.confusion.to_dict(),
            }
            for b in report.bands
        ],
        "decisions": [
            {
                "campaign_id": c.campaign_id,
                "confidence_score": round(r.confidence, 3),
                "approved": r.approved,
                "actual_net_profit": c.actual_net_profit.to_units(),
            }
            for c, r in zip(report.campaigns, report.results, strict=True)
        ],
    }


def _print_backtest(report: BacktestReport) -> None:
    c = report.confusion
    typer.echo(
        f"{len(report.campaigns)} campaigns · threshold > {report.threshold} · seed {report.seed}"
    )
    typer.echo("                     profitable   lost money")
    typer.echo(f"  approved           {c.tp:>10}   {c.fp:>10}")
    typer.echo(f"  rejected           {c.fn:>10}   {c.tn:>10}")
    typer.echo(
        f"false-negative rate {_rate(c.fn_rate)} (target < {report.fn_target:.0%}) · "
        f"false-positive rate {_rate(c.fp_rate)} (target < {report.fp_target:.0%}) · "
        f"{'targets met' if report.meets_targets else 'targets MISSED'}"
    )
    if report.suggested_threshold is None:
        typer.echo("no confidence threshold would have met both targets on this history")
    else:
        typer.echo(f"confidence threshold meeting both targets: > {report.suggested_threshold:.3f}")
        ranges = ", ".join(
            f"[{b.low:.4f}, {b.high:.4f})" for b in report.bands if b.confusion.meets()
        )
        typer.echo(f"every threshold in {ranges} would have met them")


def _rate(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.1%}"  # type: ignore[arg-type]


# -- input files ----------------------------------------------------------------------------


def _read_json(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(option, f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(option, f"cannot read {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            option, f"{path} is not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from exc


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return [(i, row) for i, row in enumerate(csv.DictReader(handle), start=2)]
    except FileNotFoundError:
        raise InvalidInputError("file", f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInputError("file", f"cannot read {path} as CSV: {exc}") from exc
