"""How the gate's learning reads in a terminal: calibration, tuning and the weekly review."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.synctwin.domain.calibration import Calibration, CalibrationReport
from kiki.synctwin.domain.outcomes import Proportion
from kiki.synctwin.domain.tuning import ThresholdCandidate, Tuning
from kiki.synctwin.services.review import ShadowVerdict, WeeklyReview
from kiki.synctwin.services.tune_threshold import ChangeStatus, ThresholdChange

_GRID = 20  # the human sweep shows the candidate nearest each 0.05; --json has every one


def check_png(path: Path) -> None:
    """Refuse a bad ``--plot`` before any work is done."""
    if path.suffix.lower() != ".png":
        raise InvalidInputError("--plot", "must name a .png file")
    if not path.parent.exists():
        raise InvalidInputError("--plot", f"no such folder: {path.parent}")


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _share(p: Proportion) -> str:
    if p.value is None or p.low is None or p.high is None:
        return "-"
    return f"{p.value:.1%} [{p.low:.1%}, {p.high:.1%}]"


def _number(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def calibration_summary(c: Calibration) -> str:
    if c.outcomes == 0:
        return "no decisions with an outcome yet (import them with `kiki twin outcomes`)"
    verdict = "MISCALIBRATED" if c.miscalibrated else "no evidence of miscalibration"
    return (
        f"{c.outcomes:,} outcomes ({c.profitable:,} profitable, {c.base_rate:.1%}) · "
        f"Brier {_number(c.brier_score)} · log loss {_number(c.log_loss)} · "
        f"ECE {_number(c.expected_calibration_error)} · {verdict}"
    )


def reliability_table(c: Calibration) -> Table:
    scope = "all clients" if c.client_id is None else c.client_id
    table = Table(title=f"reliability of the gate's confidence · {scope}")
    for column in ("confidence", "campaigns", "stated", "profitable [95 % Wilson]", "p-value"):
        table.add_column(column, justify="left" if column == "confidence" else "right")
    table.add_column("")
    for i, b in enumerate(c.bins):
        closing = "]" if i == len(c.bins) - 1 else ")"
        table.add_row(
            f"[{b.low:.1f}, {b.high:.1f}{closing}",
            f"{b.count:,}",
            _number(b.mean_confidence),
            _share(b.profitable),
            _number(b.p_value, 4),
            _bin_flag(b.gap) if b.off_diagonal else "",
        )
    return table


def _bin_flag(gap: float | None) -> str:
    if gap is None:  # pragma: no cover - a flagged bin has members
        return ""
    return "over-confident" if gap > 0 else "under-confident"


def print_calibration(report: CalibrationReport, shown: Calibration) -> None:
    console = _console()
    console.print(reliability_table(shown))
    console.print(calibration_summary(shown))
    if shown.miscalibrated:
        console.print(
            f"bins are tested at {shown.bin_alpha:.2%} each (5 % over all bins); the gate's "
            "confidence is not a probability here: see `kiki twin tune` before trusting it"
        )
    if shown.client_id is None and len(report.clients) > 1:
        for c in report.clients:
            console.print(f"  {c.client_id}: {calibration_summary(c)}")


def print_tuning(change: ThresholdChange) -> None:
    t = change.tuning
    console = _console()
    scope = "every client" if change.scope == "*" else change.scope
    console.print(
        f"{scope} · threshold in force {change.previous} · {t.outcomes:,} outcomes "
        f"({t.profitable:,} profitable, {t.losing:,} losing; at least {t.min_profitable} and "
        f"{t.min_losing} needed)"
    )
    if t.candidates:
        console.print(sweep_table(t))
    console.print(t.explain(change.calibration))
    console.print(_status_line(change))


def sweep_table(t: Tuning) -> Table:
    shown = _thinned(t)
    table = Table(
        title=f"threshold sweep ({len(shown)} of {len(t.candidates):,} cut points; "
        "every one in --json)"
    )
    for column in ("threshold", "FN rate [95 %]", "FP rate [95 %]", "protected", "forgone"):
        table.add_column(column, justify="right")
    table.add_column("net", justify="right")
    table.add_column("")
    for c in shown:
        marks = [
            m
            for m, on in (
                ("recommended", c is t.recommended),
                ("meets targets", c.meets_targets and c is not t.recommended),
            )
            if on
        ]
        table.add_row(
            f"{c.threshold:.4f}",
            _share(c.false_negative_rate),
            _share(c.false_positive_rate),
            _money(c.protected),
            _money(c.forgone),
            _money(c.net),
            ", ".join(marks),
        )
    return table


def _thinned(t: Tuning) -> list[ThresholdCandidate]:
    """The candidate nearest each 0.05 step, and the recommended one, ascending."""
    picked = {} if t.recommended is None else {t.recommended.threshold: t.recommended}
    for k in range(1, _GRID):
        step = k / _GRID
        nearest = min(t.candidates, key=lambda c: abs(c.threshold - step))
        picked[nearest.threshold] = nearest
    return [picked[x] for x in sorted(picked)]


def _money(amount: Money) -> str:
    return amount.format(cents=True)


def _status_line(change: ThresholdChange) -> str:
    flag = "" if change.scope == "*" else f" --client {change.scope}"
    if change.status is ChangeStatus.APPLIED:
        return f"APPLIED: threshold {change.threshold} replaces {change.previous} (audited)"
    if change.status is ChangeStatus.PROPOSED:
        return f"PROPOSED: apply it with `kiki twin tune{flag} --apply`"
    if change.status is ChangeStatus.UNCHANGED:
        return "UNCHANGED: the threshold in force is the one recommended"
    return "REFUSED: the threshold in force stays"


def print_review(review: WeeklyReview) -> None:
    console = _console()
    scope = "every client" if review.client_id is None else review.client_id
    console.print(
        f"weekly review of {scope} · rejected {review.since:%Y-%m-%d %H:%M} to "
        f"{review.until:%Y-%m-%d %H:%M} UTC: {len(review.rejected)} campaigns "
        f"({review.count(ShadowVerdict.FALSE_NEGATIVE)} would have been profitable, "
        f"{review.count(ShadowVerdict.TRUE_NEGATIVE)} would have lost, "
        f"{review.count(ShadowVerdict.AWAITING_OUTCOME)} awaiting an outcome)"
    )
    if review.rejected:
        table = Table()
        for column in ("decision", "client", "at", "confidence", "risk", "projected uplift"):
            table.add_column(column, justify="right" if column == "confidence" else "left")
        table.add_column("shadow outcome", justify="right")
        table.add_column("verdict")
        for r in review.rejected:
            table.add_row(
                r.decision_id,
                r.client_id,
                f"{r.at:%Y-%m-%d %H:%M}",
                f"{r.confidence:.4f}",
                r.risk_profile or "-",
                "-" if r.projected_uplift is None else f"${r.projected_uplift:,.2f}",
                "-" if r.actual_net_profit is None else _money(r.actual_net_profit),
                r.verdict.value,
            )
        console.print(table)
        console.print(
            f"profit forgone {_money(review.forgone)} · losses avoided {_money(review.protected)}"
        )
    t = review.trailing
    console.print(
        f"trailing {(t.until - t.since).days} days: false-negative rate "
        f"{t.false_negative_rate.describe()} (target < {t.fn_target:.0%}) · false-positive "
        f"rate {t.false_positive_rate.describe()} (target < {t.fp_target:.0%})"
    )
    if review.alert:
        for reason in review.alert_reasons():
            console.print(f"ALERT: {reason}")
    else:
        console.print("within targets (or no outcomes to judge yet)")
    console.print(
        f"threshold in force {review.current_threshold} · "
        f"{review.tuning.explain(review.calibration)}"
    )
