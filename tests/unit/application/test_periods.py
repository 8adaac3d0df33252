"""Periods as people type them: durations back from now, ISO dates meaning UTC, bad ones named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiki.application.periods import since
from kiki.core.errors import InvalidInputError

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        (None, NOW - timedelta(days=7)),
        ("", NOW - timedelta(days=7)),
        ("7d", NOW - timedelta(days=7)),
        (" 24H ", NOW - timedelta(hours=24)),
        ("2w", NOW - timedelta(days=14)),
        ("3660d", NOW - timedelta(days=3660)),
        ("2026-02-23", datetime(2026, 2, 23, tzinfo=UTC)),
        ("2026-02-23T12:00", datetime(2026, 2, 23, 12, tzinfo=UTC)),
        ("2026-02-23t12:00:00z", datetime(2026, 2, 23, 12, tzinfo=UTC)),
        ("2026-02-23T12:00:00+02:00", datetime(2026, 2, 23, 10, tzinfo=UTC)),
    ],
)
def test_a_period_starts_where_the_text_says(text: str | None, start: datetime) -> None:
    assert since(text, now=NOW) == start


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("7x", "must be a duration such as 7d, 24h or 2w, or an ISO date"),
        ("seven days", "must be a duration such as 7d"),
        ("-3d", "must be a duration such as 7d"),
        ("1.5d", "must be a duration such as 7d"),
        ("0d", "must be a duration above 0 and at most 3660d"),
        ("3661d", "must be a duration above 0 and at most 3660d"),
        ("2026-03-02T09:30:00Z", "must be before now (2026-03-02 09:30 UTC)"),
        ("2027-01-01", "must be before now"),
        ("2000-01-01", "must be at most 3660 days back"),
        ("2026-02-30", "must be a duration such as 7d"),
    ],
)
def test_a_bad_period_names_the_field_and_the_rule(text: str, rule: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        since(text, now=NOW, field="--since")
    assert caught.value.field == "--since"
    assert caught.value.rule.startswith(rule)
