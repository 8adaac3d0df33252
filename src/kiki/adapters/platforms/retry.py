"""Retries for platform calls (tenacity): exponential backoff with jitter, the platform's
Retry-After honoured, a bounded number of attempts and of time; then PlatformUnavailableError.

Adapters translate their SDK's errors into ``RetryableError`` (rate limits, 5xx, timeouts,
dropped connections) or into KIKI's errors, which are never retried (a bad token, a refused
value). A write whose outcome is unknown (the request may have reached the platform) is
settled by reading back: if the platform already holds the target, the write is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError

T = TypeVar("T")


class RetryableError(Exception):
    """A transient failure: worth another attempt after ``retry_after_s`` (the platform's
    word, when it gave one). ``unknown_outcome``: the request may have been applied."""

    def __init__(
        self, detail: str, *, retry_after_s: float | None = None, unknown_outcome: bool = False
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after_s = retry_after_s
        self.unknown_outcome = unknown_outcome


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most ``attempts`` calls, and at most ``budget_s`` seconds spent waiting between them;
    backoff from ``initial_s`` doubling to ``max_backoff_s``, plus up to ``jitter_s``."""

    attempts: int = 5
    budget_s: float = 60.0
    initial_s: float = 0.5
    max_backoff_s: float = 30.0
    jitter_s: float = 0.5


class _Wait(tenacity.wait.wait_base):
    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy
        self._backoff = tenacity.wait_exponential_jitter(
            multiplier=policy.initial_s, max=policy.max_backoff_s, jitter=policy.jitter_s
        )
        self._jitter = tenacity.wait_random(0, policy.jitter_s)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        hinted = _retry_after(retry_state)
        wait = hinted + self._jitter(retry_state) if hinted is not None else None
        wait = self._backoff(retry_state) if wait is None else wait
        left = self._policy.budget_s - retry_state.idle_for
        return max(0.0, min(wait, left))


class _Stop(tenacity.stop.stop_base):
    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        if retry_state.attempt_number >= self._policy.attempts:
            return True
        left = self._policy.budget_s - retry_state.idle_for
        hinted = _retry_after(retry_state)
        # a platform that asks for more time than the budget has left is not waited for
        return left <= 0 or (hinted is not None and hinted > left)


def _retry_after(retry_state: tenacity.RetryCallState) -> float | None:
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    return error.retry_after_s if isinstance(error, RetryableError) else None


def call_with_retries(
    call: Callable[[], T],
    *,
    platform: Platform,
    operation: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    settle: Callable[[], T | None] | None = None,
) -> T:
    """``call()``, retried on RetryableError under ``policy``; PlatformUnavailableError when
    the attempts or the time run out. ``settle`` reads back after an unknown outcome: a result
    that is not None means the write had been applied."""

    def attempt() -> T:
        try:
            return call()
        except RetryableError as exc:
            if exc.unknown_outcome and settle is not None:
                settled = settle()
                if settled is not None:
                    return settled
            raise

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(RetryableError),
        stop=_Stop(policy),
        wait=_Wait(policy),
        sleep=sleep,
        reraise=True,
    )
    try:
        return retrying(attempt)
    except RetryableError as exc:
        attempts = retrying.statistics.get("attempt_number", 1)
        raise PlatformUnavailableError(
            platform, operation, f"{exc.detail} (gave up after {attempts} attempt(s))"
        ) from exc
