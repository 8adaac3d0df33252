"""Retries: backoff with jitter, the platform's Retry-After honoured, bounded in attempts and in
time, then PlatformUnavailableError; an unknown outcome settled by reading back."""

from __future__ import annotations

import pytest

from kiki.adapters.platforms.retry import RetryableError, RetryPolicy, call_with_retries
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError, PlatformUnavailableError


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "done"


def run(call: Flaky, sleeps: list[float], policy: RetryPolicy | None = None, **kw: object) -> str:
    return call_with_retries(
        call,
        platform=Platform.META,
        operation="read",
        policy=policy or RetryPolicy(attempts=5, budget_s=60),
        sleep=sleeps.append,
        **kw,  # type: ignore[arg-type]
    )


def test_a_transient_failure_is_retried_after_the_wait_the_platform_asked_for() -> None:
    sleeps: list[float] = []
    call = Flaky([RetryableError("429", retry_after_s=7.0)])
    assert run(call, sleeps) == "done"
    assert call.calls == 2
    assert 7.0 <= sleeps[0] <= 7.5  # the hint plus at most the jitter


def test_without_a_hint_the_waits_grow_exponentially_with_jitter() -> None:
    sleeps: list[float] = []
    run(Flaky([RetryableError("503")] * 4), sleeps, RetryPolicy(initial_s=1, jitter_s=0.5))
    assert len(sleeps) == 4
    assert all(2**i <= s <= 2**i + 0.5 for i, s in enumerate(sleeps))


def test_attempts_are_bounded_then_the_platform_is_unavailable() -> None:
    sleeps: list[float] = []
    call = Flaky([RetryableError("503")] * 10)
    with pytest.raises(PlatformUnavailableError, match="gave up after 3 attempt"):
        run(call, sleeps, RetryPolicy(attempts=3))
    assert call.calls == 3


def test_time_is_bounded_and_a_wait_longer_than_what_is_left_is_not_taken() -> None:
    sleeps: list[float] = []
    call = Flaky([RetryableError("429", retry_after_s=40.0)] * 5)
    with pytest.raises(PlatformUnavailableError):
        run(call, sleeps, RetryPolicy(attempts=10, budget_s=60))
    assert call.calls == 2  # 40 s waited; the next 40 s would pass the 60 s budget
    assert sum(sleeps) <= 60


def test_an_auth_failure_is_not_retried() -> None:
    sleeps: list[float] = []
    call = Flaky([PlatformAuthError(Platform.META, "bad token", "renew it")])
    with pytest.raises(PlatformAuthError):
        run(call, sleeps)
    assert (call.calls, sleeps) == (1, [])


def test_an_unknown_outcome_is_settled_by_reading_back() -> None:
    sleeps: list[float] = []
    call = Flaky([RetryableError("timed out", unknown_outcome=True)])
    assert run(call, sleeps, settle=lambda: "already applied") == "already applied"
    assert (call.calls, sleeps) == (1, [])
    not_applied = Flaky([RetryableError("timed out", unknown_outcome=True)])
    assert run(not_applied, sleeps, settle=lambda: None) == "done"
    assert not_applied.calls == 2
