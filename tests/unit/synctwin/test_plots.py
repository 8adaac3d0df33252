"""The reliability diagram and the threshold sweep are written as PNG files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiki.core.errors import InvalidInputError
from kiki.synctwin.domain.calibration import calibrate
from kiki.synctwin.domain.tuning import tune
from kiki.synctwin.plots import plot_reliability, plot_tuning
from kiki.synctwin.testing import GateBehaviour, synthetic_outcomes

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("n", [0, 50, 1_000])
def test_both_figures_are_written_with_or_without_outcomes(tmp_path: Path, n: int) -> None:
    outcomes = synthetic_outcomes(n, behaviour=GateBehaviour.OPTIMISTIC, seed=4)
    plot_reliability(calibrate(outcomes), tmp_path / "calibration.png")
    plot_tuning(tune(outcomes, current=0.85), tmp_path / "tune.PNG")
    assert (tmp_path / "calibration.png").read_bytes().startswith(PNG)
    assert (tmp_path / "tune.PNG").read_bytes().startswith(PNG)


def test_only_png_files_and_writable_places(tmp_path: Path) -> None:
    report = calibrate([])
    with pytest.raises(InvalidInputError, match=r"--plot: must name a \.png file"):
        plot_reliability(report, tmp_path / "calibration.svg")
    with pytest.raises(InvalidInputError, match="--plot: cannot write"):
        plot_reliability(report, tmp_path / "missing" / "calibration.png")
    with pytest.raises(InvalidInputError, match="plot_path"):
        plot_tuning(tune([], current=0.85), tmp_path / "tune.jpg", field="plot_path")
