"""PNG figures of the gate's learning: the reliability diagram and the threshold sweep.

matplotlib is imported only when a figure is drawn (Agg backend, no display needed).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiki.core.errors import InvalidInputError
from kiki.core.money import MICROS_PER_UNIT
from kiki.synctwin.domain.calibration import Calibration
from kiki.synctwin.domain.tuning import Tuning

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_OK, _BAD, _INK, _FAINT = "#2c6e9b", "#c0392b", "#2c3e50", "#95a5a6"


def plot_reliability(calibration: Calibration, path: Path, *, field: str = "--plot") -> None:
    """Stated confidence against the share profitable per bin, with 95 % Wilson intervals and
    the diagonal; bins the exact test flags are red. Below, how many campaigns each bin holds."""
    _check(path, field)
    plt = _pyplot()
    fig, (top, counts) = plt.subplots(
        2, 1, figsize=(7.5, 8), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    top.plot([0, 1], [0, 1], linestyle="--", color=_FAINT, label="calibrated (diagonal)")
    for flagged, colour, label in ((False, _OK, "bin"), (True, _BAD, "bin off the diagonal")):
        shown = [b for b in calibration.bins if not b.empty and b.off_diagonal is flagged]
        if not shown:
            continue
        xs = [b.mean_confidence or 0.0 for b in shown]
        ys = [b.profitable.value or 0.0 for b in shown]
        below = [y - (b.profitable.low or 0.0) for y, b in zip(ys, shown, strict=True)]
        above = [(b.profitable.high or 0.0) - y for y, b in zip(ys, shown, strict=True)]
        top.errorbar(xs, ys, yerr=[below, above], fmt="o", color=colour, capsize=4, label=label)
    top.set_xlim(0, 1)
    top.set_ylim(-0.02, 1.02)
    top.set_ylabel("share profitable (95 % Wilson interval)")
    top.legend(loc="upper left")
    scope = "all clients" if calibration.client_id is None else calibration.client_id
    scores = (
        f"Brier {calibration.brier_score:.3f} · ECE {calibration.expected_calibration_error:.3f}"
        if calibration.brier_score is not None
        and calibration.expected_calibration_error is not None
        else "no outcomes yet"
    )
    verdict = "miscalibrated" if calibration.miscalibrated else "no evidence of miscalibration"
    top.set_title(
        f"SyncTwin reliability · {scope} · {calibration.outcomes:,} outcomes\n{scores} · {verdict}"
    )
    width = calibration.bins[0].high - calibration.bins[0].low if calibration.bins else 0.1
    centres = [(b.low + b.high) / 2 for b in calibration.bins]
    counts.bar(centres, [b.count for b in calibration.bins], width=width * 0.9, color="#8fb3d9")
    for x, b in zip(centres, calibration.bins, strict=True):
        counts.annotate(
            "empty" if b.empty else f"{b.count:,}",
            (x, b.count),
            ha="center",
            va="bottom",
            fontsize=8,
            color=_FAINT if b.empty else _INK,
        )
    counts.set_ylabel("campaigns")
    counts.set_xlabel("stated confidence")
    counts.margins(y=0.25)
    counts.set_ylim(bottom=0)
    _save(plt, fig, path, field)


def plot_tuning(tuning: Tuning, path: Path, *, field: str = "--plot") -> None:
    """FN and FP rates (with Wilson bands) and net profit against the threshold, the targets,
    the threshold in force and the recommended one."""
    _check(path, field)
    plt = _pyplot()
    fig, (rates, money) = plt.subplots(2, 1, figsize=(9, 8), sharex=True)
    candidates = tuning.candidates
    if candidates:
        ts = [c.threshold for c in candidates]
        for name, colour, shares in (
            ("false-negative rate", _BAD, [c.false_negative_rate for c in candidates]),
            ("false-positive rate", _OK, [c.false_positive_rate for c in candidates]),
        ):
            rates.step(ts, [s.value for s in shares], where="post", color=colour, label=name)
            rates.fill_between(
                ts,
                [s.low for s in shares],
                [s.high for s in shares],
                step="post",
                color=colour,
                alpha=0.15,
            )
        for label, micros, colour in (
            ("net (protected - forgone)", [c.net.micros for c in candidates], _INK),
            ("losses protected", [c.protected.micros for c in candidates], _OK),
            ("profits forgone", [-c.forgone.micros for c in candidates], _BAD),
        ):
            money.step(
                ts,
                [m / MICROS_PER_UNIT for m in micros],
                where="post",
                color=colour,
                label=label,
                linewidth=2 if label.startswith("net") else 1,
            )
    else:
        rates.text(0.5, 0.5, "no outcomes yet", ha="center", transform=rates.transAxes)
    rates.axhline(tuning.fn_target, color=_BAD, linestyle=":", label="FN target")
    rates.axhline(tuning.fp_target, color=_OK, linestyle=":", label="FP target")
    for axes in (rates, money):
        axes.axvline(tuning.current.threshold, color=_FAINT, linestyle="--", label="in force")
        if tuning.recommended is not None:
            axes.axvline(
                tuning.recommended.threshold, color=_INK, linestyle="-.", label="recommended"
            )
    money.axhline(0, color="black", linewidth=0.8)
    rates.set_ylim(0, 1)
    rates.set_ylabel("rate (95 % Wilson band)")
    money.set_ylabel("vs launching everything ($)")
    money.set_xlabel("threshold (approve iff confidence > threshold)")
    money.set_xlim(0, 1)
    money.yaxis.set_major_formatter(_dollars())
    rates.legend(loc="upper center", ncol=3, fontsize=8)
    money.legend(loc="lower left", fontsize=8)
    heading = f"SyncTwin threshold sweep · {tuning.outcomes:,} outcomes"
    rates.set_title("\n".join([heading, *textwrap.wrap(tuning.explain(), 110)]), fontsize=9)
    _save(plt, fig, path, field)


def _check(path: Path, field: str) -> None:
    if path.suffix.lower() != ".png":
        raise InvalidInputError(field, "must name a .png file")


def _dollars() -> Any:
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415  # only with a figure

    return FuncFormatter(lambda value, _pos: f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}")


def _pyplot() -> Any:
    import matplotlib  # noqa: PLC0415  # a heavy import only a figure needs

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt


def _save(plt: Any, fig: Figure, path: Path, field: str) -> None:
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except OSError as exc:
        raise InvalidInputError(field, f"cannot write {path}: {exc.strerror}") from exc
    finally:
        plt.close(fig)
