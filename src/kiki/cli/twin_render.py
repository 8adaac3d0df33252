"""How SyncTwin's results read in a terminal, and the uplift histogram."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from kiki.cli.context import make_console
from kiki.cli.digits import digits_for
from kiki.core.errors import InvalidInputError
from kiki.synctwin.domain.simulation import SimulationResult
from kiki.synctwin.ports import GateDecision
from kiki.synctwin.services.backtest import BacktestReport
from kiki.synctwin.services.launch_campaign import LaunchOutcome


def print_verdict(result: SimulationResult) -> None:
    body = result.to_dict()
    details = body["simulation_details"]
    verdict = "APPROVED" if result.approved else "REJECTED"
    colour = "green" if result.approved else "red"
    shown = digits_for(result.threshold, [result.confidence], least=3)
    score = f"{result.confidence:.{shown}f}"
    console = Console()
    console.print(
        f"[bold {colour}]{verdict}[/] · ConfidenceScore {score} "
        f"(approves above {result.threshold}) · risk {result.risk_profile}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"projected net profit uplift ${body['projected_net_profit_uplift']:,.2f} "
        f"(median of the positive scenarios) · p10 ${details['p10_uplift']:,.2f} · "
        f"p90 ${details['p90_uplift']:,.2f}",
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


def print_launch(outcome: LaunchOutcome) -> None:
    print_verdict(outcome.result)
    if outcome.campaign is None:
        Console(stderr=True).print(
            f"error: {outcome.message} · decision {outcome.decision_id} "
            "(kept for shadow mode: report its outcome with `kiki twin outcomes`)",
            highlight=False,
            soft_wrap=True,
        )
        return
    campaign = outcome.campaign
    revenue = outcome.projection[-1].revenue.format(cents=True) if outcome.projection else "-"
    typer.echo(
        f"launched campaign {campaign.campaign_id} on {campaign.platform.display_name} at "
        f"{campaign.daily_budget.format()}/day (decision {outcome.decision_id}); projected "
        f"30-day revenue {revenue}"
    )


class _Plot:
    """The uplift histogram: zero, p10, the projection (median of the positive scenarios, the
    seed's definition, equal to the JSON's ``median_uplift``), the median of all, p90."""

    @staticmethod
    def check(path: Path) -> None:
        if path.suffix.lower() != ".png":
            raise InvalidInputError("--plot", "must name a .png file")
        if not path.parent.exists():
            raise InvalidInputError("--plot", f"no such folder: {path.parent}")

    def __call__(self, result: SimulationResult, path: Path) -> None:
        import matplotlib  # noqa: PLC0415  # a heavy import only --plot needs

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415

        if result.samples is None:  # pragma: no cover - simulate keeps them for a plot
            raise InvalidInputError("--plot", "needs the simulated samples")
        fig, ax = plt.subplots(figsize=(9, 5))
        ax.hist(result.samples, bins=80, color="#8fb3d9", edgecolor="#5b84b1")
        marks = [
            (0.0, "zero", "black", "-"),
            (result.p10_uplift, f"p10 ${result.p10_uplift:,.0f}", "#c0392b", "--"),
            (
                result.projected_uplift,
                f"projection (median of positive) ${result.projected_uplift:,.0f}",
                "#8e44ad",
                "-",
            ),
            (result.median_all, f"median of all ${result.median_all:,.0f}", "#2c3e50", "-."),
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


plot_uplift = _Plot()


def print_backtest(report: BacktestReport) -> None:
    c = report.confusion
    typer.echo(
        f"{len(report.campaigns)} campaigns · threshold > {report.threshold} · seed {report.seed}"
    )
    typer.echo("                     profitable   lost money")
    typer.echo(f"  approved           {c.tp:>10}   {c.fp:>10}")
    typer.echo(f"  rejected           {c.fn:>10}   {c.tn:>10}")
    typer.echo(
        f"false-negative rate {rate(c.fn_rate)} (target < {report.fn_target:.0%}) · "
        f"false-positive rate {rate(c.fp_rate)} (target < {report.fp_target:.0%}) · "
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


def rate(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.1%}"  # type: ignore[arg-type]


def print_shadow(body: dict[str, object], *, source: str) -> None:
    """The shadow report after an import: what the file added, then the gate's record."""
    typer.echo(
        f"{source}: {body['imported']} outcomes read · {body['new']} new · "
        f"{body['already_known']} already known · {body['replaced']} replaced"
    )
    typer.echo(
        f"{body['decisions']} gate decisions · {body['awaiting_outcome']} awaiting an outcome"
    )
    typer.echo("                     profitable   lost money")
    typer.echo(f"  approved           {body['true_positives']:>10}   {body['false_positives']:>10}")
    typer.echo(f"  rejected           {body['false_negatives']:>10}   {body['true_negatives']:>10}")
    typer.echo(
        f"false-negative rate {rate(body.get('false_negative_rate'))} · "
        f"false-positive rate {rate(body.get('false_positive_rate'))}"
    )


def print_decisions(decisions: list[GateDecision]) -> None:
    from rich.table import Table  # noqa: PLC0415

    table = Table(title=f"gate decisions ({len(decisions)})")
    for column in ("at", "decision", "client", "verdict", "confidence", "campaign", "outcome"):
        table.add_column(column, justify="right" if column == "confidence" else "left")
    for d in decisions:
        profit = d.actual_net_profit
        table.add_row(
            d.at.strftime("%Y-%m-%d %H:%M"),
            d.decision_id,
            d.client_id,
            "APPROVED" if d.approved else "REJECTED",
            f"{d.confidence:.3f}",
            d.campaign_id or "-",
            "-" if profit is None else profit.format(cents=True),
        )
    make_console().print(table)
