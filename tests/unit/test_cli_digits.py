"""The decimals shown keep the comparison beside them true."""

from __future__ import annotations

from kiki.cli.digits import digits_for


def test_a_score_just_above_the_threshold_is_not_shown_equal_to_it() -> None:
    assert digits_for(0.85, [0.8501], least=3) == 4  # "0.8501 (approves above 0.85)"
    assert digits_for(0.85, [0.85], least=3) == 3  # equal stays equal
    assert digits_for(0.85, [0.988], least=3) == 3


def test_an_efficiency_just_below_the_cut_off_is_not_shown_equal_to_it() -> None:
    cutoff = 3.1444444 * 0.85  # 2.6728
    assert digits_for(cutoff, [450 / 168.75, 3.2, 4.0]) == 3  # 2.667x below 2.673x
    assert digits_for(2.5, [2.0, 3.0]) == 2
