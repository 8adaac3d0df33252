"""The seed's four scenarios, each on its own twin of one campaign copy, on virtual time.

- market_shock: 10 minutes of normal market, CPM x1.5, then 10 minutes at the guardian's
  interval: paused with MARGIN_GUARDIAN where the copy's economics break, untouched elsewhere.
- conversion_drop: CVR x0.7, then ticks until the copy's volume can prove the drop (at most 7
  days): rolled back to its last known-good configuration, or paused without one. Ticks are
  spaced to the copy's volume, each just before a step boundary (23:59 closes every day): the
  CUSUM over sparser ticks can only be later than the live one, never earlier.
- api_outage: the bid controller runs, then reads and writes time out for 5 minutes: every
  tick of the outage is held on the cached configuration with retries and no write, and the
  first tick after the platform answers controls again.
- budget_overrun: a runaway at 10x the budget's pace from midnight: paused with
  BUDGET_OVERRUN at the first tick whose reading shows 110 % of the daily budget, not before.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from kiki.syncflow.domain.guardian.report import CampaignOutcome, GuardReport, Outcome
from kiki.synctwin.chaos import expectations as expect
from kiki.synctwin.chaos.copies import CampaignCopy
from kiki.synctwin.chaos.ports import ScenarioPlan, TwinWorlds
from kiki.synctwin.chaos.results import ChaosResult, ChaosTest, Expectation, Observation
from kiki.synctwin.chaos.twin import Twin

SHOCK_AT_S = 600.0
PRICE_LEAD_S = 300.0  # the first reading, 5 minutes before the shock
SHOCK_RUN_S = 600.0  # the seed's "run simulation for 10 minutes"
STEPS_S = (60.0, 300.0, 900.0, 3600.0, 3 * 3600.0, 6 * 3600.0, 86_400.0)
OUTAGE_TICKS = (4, 5, 6, 7, 8)  # minutes: five ticks of a 5-minute timeout
LAST_MINUTE = 10
DAY_END_S = 86_400.0 - 600.0  # stop 10 minutes before midnight resets spend today
COARSE_S = 1800.0
NEAR_LIMIT = 0.97  # live-interval ticks from 97 % of the overrun limit on


def run_all(
    copy: CampaignCopy, plan: ScenarioPlan, worlds: TwinWorlds, *, day_start: datetime
) -> list[ChaosResult]:
    return [RUNNERS[test](copy, plan, worlds, day_start=day_start) for test in ChaosTest]


def _safely(
    test: ChaosTest,
) -> Callable[[Callable[..., ChaosResult]], Callable[..., ChaosResult]]:
    """As the seed's tests do: an exception inside a scenario is that test's failure."""

    def wrap(runner: Callable[..., ChaosResult]) -> Callable[..., ChaosResult]:
        def run(
            copy: CampaignCopy, plan: ScenarioPlan, worlds: TwinWorlds, *, day_start: datetime
        ) -> ChaosResult:
            try:
                return runner(copy, plan, worlds, day_start=day_start)
            except Exception as exc:  # noqa: BLE001  # reported as the test's failure, not raised
                return _result(
                    test,
                    copy,
                    Expectation(frozenset({"NO_EXCEPTION"}), "the twin runs to its end"),
                    Observation("EXCEPTION", f"{exc.__class__.__name__}: {exc}"),
                )

        return run

    return wrap


def market_shock(
    copy: CampaignCopy, plan: ScenarioPlan, worlds: TwinWorlds, *, day_start: datetime
) -> ChaosResult:
    expected = expect.market_shock(
        copy, price_window_s=plan.price_window_s, interval_s=plan.interval_s
    )
    twin = Twin(copy, plan, worlds, day_start=day_start)
    _before_shock(twin, plan.interval_s)
    twin.platform.shock(twin.client_id, copy.state.platform, cpm_factor=expect.SHOCK_CPM)
    at = SHOCK_AT_S
    while at < SHOCK_AT_S + SHOCK_RUN_S and _reaction(twin) is None:
        at += plan.interval_s
        twin.advance_to(min(at, SHOCK_AT_S + SHOCK_RUN_S))
        twin.tick()
    return _result(ChaosTest.MARKET_SHOCK, copy, expected, _observe(twin, "the CPM shock"))


def _before_shock(twin: Twin, interval_s: float) -> None:
    """A tick at 00:05, then one every interval over the last price window before the shock,
    as the live service reads: memory, a price, and a breach streak if there is one."""
    last_window = range(int(PRICE_LEAD_S // interval_s) + 1)
    for at in sorted({PRICE_LEAD_S, *(SHOCK_AT_S - k * interval_s for k in last_window)}):
        if at > 0:
            twin.advance_to(at)
            twin.tick()


def conversion_drop(
    copy: CampaignCopy, plan: ScenarioPlan, worlds: TwinWorlds, *, day_start: datetime
) -> ChaosResult:
    seconds = expect.detection_range_s(copy)[1]
    wanted = expect.CVR_HORIZON_S / 7 if math.isinf(seconds) else seconds / 8
    step = max([s for s in STEPS_S if s <= max(wanted, plan.interval_s)] or [STEPS_S[0]])
    step = max(step, plan.interval_s)
    expected = expect.conversion_drop(copy, step_s=step)
    twin = Twin(copy, plan, worlds, day_start=day_start)
    _before_shock(twin, plan.interval_s)
    twin.platform.shock(twin.client_id, copy.state.platform, cvr_factor=expect.SHOCK_CVR)
    horizon = SHOCK_AT_S + expect.CVR_HORIZON_S
    if not math.isinf(seconds):
        horizon = min(horizon, SHOCK_AT_S + max(1.5 * seconds + 2 * step, 3600.0))
    boundary = (SHOCK_AT_S // step + 1) * step
    while _reaction(twin) is None and boundary - 60.0 <= horizon:
        twin.advance_to(max(boundary - 60.0, SHOCK_AT_S + plan.interval_s))
        twin.tick()
        boundary += step
    return _result(ChaosTest.CONVERSION_DROP, copy, expected, _observe(twin, "the drop"))


def api_outage(
    copy: CampaignCopy, plan: ScenarioPlan, worlds: TwinWorlds, *, day_start: datetime
) -> ChaosResult:
    first_out = OUTAGE_TICKS[0]
    expected = expect.api_outage(copy, ticks_before=first_out - 1)
    twin = Twin(copy, plan, worlds, day_start=day_start)
    platform = copy.state.platform
    by_minute: dict[int, tuple[GuardReport, int, int]] = {}
    for minute in range(1, LAST_MINUTE + 1):
        if minute == first_out:
            twin.platform.fail(platform, "*", client_id=twin.client_id)
            before_outage = twin.campaign()
        if minute == OUTAGE_TICKS[-1] + 1:
            twin.platform.heal(platform)
            after_outage = twin.campaign()
        twin.advance_to(minute * plan.interval_s)
        reads, writes = twin.gateway.counts.reads, twin.gateway.counts.writes
        report = twin.tick()
        counts = twin.gateway.counts
        by_minute[minute] = (report, counts.reads - reads, counts.writes - writes)
    reaction = _reaction(twin)
    if reaction is not None and reaction[1] < first_out * plan.interval_s:
        observed = _observe(twin, "the start")
    else:
        observed = _outage_observation(twin, by_minute, before_outage, after_outage, attempts=3)
    return _result(ChaosTest.API_OUTAGE, copy, expected, observed)


def _outage_observation(
    twin: Twin,
    by_minute: dict[int, tuple[GuardReport, int, int]],
    before: object,
    after: object,
    *,
    attempts: int,
) -> Observation:
    campaign_id = twin.copy.state.campaign_id
    problem = _outage_problem(by_minute, campaign_id, attempts)
    if problem is not None:
        return problem
    if before != after:
        return Observation("CHANGED_DURING_OUTAGE", "the campaign changed while the API was down")
    report, _, _ = by_minute[OUTAGE_TICKS[-1] + 1]
    mine = _mine(report, campaign_id)
    held = len(OUTAGE_TICKS)
    if mine is None or mine.outcome in (Outcome.HELD, Outcome.FAILED):
        return Observation("NOT_RESUMED", f"still {mine.outcome.value if mine else 'absent'}")
    if mine.outcome in (Outcome.PAUSED, Outcome.ROLLED_BACK):
        code = expect.ROLLED_BACK if mine.outcome is Outcome.ROLLED_BACK else "PAUSED"
        if mine.reason is not None and mine.outcome is Outcome.PAUSED:
            code = f"PAUSED:{mine.reason.value}"
        return Observation(code, f"held {held} ticks, no write; first tick after: {mine.detail}")
    if mine.outcome is Outcome.BID_CHANGED:
        return Observation(
            expect.HELD_RESUMED_BID,
            f"held {held} ticks with {attempts} tries each, no write; first tick after: "
            + mine.detail,
        )
    return Observation(
        expect.HELD_RESUMED,
        f"held {held} ticks with {attempts} tries each, no write; read again at the first "
        f"tick after ({mine.outcome.value})",
    )


def _outage_problem(
    by_minute: dict[int, tuple[GuardReport, int, int]], campaign_id: str, attempts: int
) -> Observation | None:
    """What went wrong during the outage's ticks: a write, a tick not held, no retries."""
    for minute in OUTAGE_TICKS:
        report, reads, writes = by_minute[minute]
        mine = _mine(report, campaign_id)
        if writes:
            return Observation("BLIND_WRITE", f"{writes} write(s) at minute {minute} of the outage")
        if mine is None or mine.outcome is not Outcome.HELD:
            return Observation("NOT_HELD", f"minute {minute}: {mine.outcome if mine else 'absent'}")
        if reads < attempts:
            return Observation("NO_RETRY", f"minute {minute}: {reads} read attempt(s)")
    return None


def budget_overrun(
    copy: CampaignCopy, plan: ScenarioPlan, worlds: TwinWorlds, *, day_start: datetime
) -> ChaosResult:
    expected = expect.budget_overrun(copy, end_s=DAY_END_S)
    twin = Twin(copy, plan, worlds, day_start=day_start)
    limit = copy.thresholds.overrun_ratio * copy.state.daily_budget.micros
    twin.platform.shock(
        twin.client_id, copy.state.platform, spend_factor=expect.runaway_factor(copy)
    )
    at = plan.interval_s
    crossed_at: float | None = None
    while at <= DAY_END_S:
        twin.advance_to(at)
        report = twin.tick()
        mine = _mine(report, copy.state.campaign_id)
        spend = None if mine is None else mine.figures.get("spend_today_micros")
        if mine is not None and mine.outcome is Outcome.PAUSED:
            break
        if isinstance(spend, int) and spend >= limit and crossed_at is None:
            crossed_at = at
        if crossed_at is not None and at >= crossed_at + 2 * plan.interval_s:
            break
        at += _next_gap(spend, limit, at, plan.interval_s)
    observed = _overrun_observation(twin, limit)
    return _result(ChaosTest.BUDGET_OVERRUN, copy, expected, observed)


def _next_gap(spend: object, limit: float, at: float, interval_s: float) -> float:
    """Coarse ticks while the limit is far (the runaway's pace is steady), then the live
    interval from just before it is reached."""
    if not isinstance(spend, int) or spend <= 0 or spend >= NEAR_LIMIT * limit:
        return interval_s
    rate = spend / at
    gap = (NEAR_LIMIT * limit - spend) / rate
    return max(interval_s, min(COARSE_S, gap // interval_s * interval_s))


def _overrun_observation(twin: Twin, limit: float) -> Observation:
    campaign_id = twin.copy.state.campaign_id
    for report in twin.reports:
        mine = _mine(report, campaign_id)
        if mine is None:
            continue
        spend = mine.figures.get("spend_today_micros")
        over = isinstance(spend, int) and spend >= limit
        when = f"{(report.at - twin.day_start).total_seconds() / 60:.0f} min after midnight"
        if mine.outcome is Outcome.PAUSED:
            code = f"PAUSED:{mine.reason.value}" if mine.reason else "PAUSED"
            if code == expect.OVERRUN and not over:
                return Observation("EARLY", f"paused below the limit at {when}")
            return Observation(code, f"{mine.detail} ({when})")
        if over:
            return Observation("NOT_PAUSED_AT_LIMIT", f"{spend} micros spent at {when}")
    return Observation(expect.NONE, "never reached the limit")


def _mine(report: GuardReport, campaign_id: str) -> CampaignOutcome | None:
    return next((o for o in report.outcomes if o.campaign_id == campaign_id), None)


def _reaction(twin: Twin) -> tuple[CampaignOutcome, float] | None:
    """The first pause or rollback of the copy, and when (seconds after the twin's start)."""
    for report in twin.reports:
        mine = _mine(report, twin.copy.state.campaign_id)
        if mine is not None and mine.outcome in (Outcome.PAUSED, Outcome.ROLLED_BACK):
            return mine, (report.at - twin.day_start).total_seconds()
    return None


def _observe(twin: Twin, since: str) -> Observation:
    found = _reaction(twin)
    if found is None:
        last = twin.reports[-1].at if twin.reports else twin.day_start
        ran = (last - twin.day_start).total_seconds() - SHOCK_AT_S
        return Observation(expect.NONE, f"no pause or rollback in {_span(ran)} after {since}")
    outcome, at = found
    code = expect.ROLLED_BACK if outcome.outcome is Outcome.ROLLED_BACK else "PAUSED"
    if code == "PAUSED" and outcome.reason is not None:
        code = f"PAUSED:{outcome.reason.value}"
    return Observation(code, f"{_span(at - SHOCK_AT_S)} after {since}: {outcome.detail}")


def _span(seconds: float) -> str:
    if seconds < 0:
        return f"{-seconds / 60:.0f} min before"
    if seconds < 3 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _result(
    test: ChaosTest, copy: CampaignCopy, expected: Expectation, observed: Observation
) -> ChaosResult:
    passed = observed.code in expected.accepts
    verdict = "as expected" if passed else "NOT as expected"
    return ChaosResult(
        test,
        passed,
        f"{observed.detail} ({verdict}: {expected.why})",
        copy.state.campaign_id,
        copy.client_id,
        copy.state.platform.value,
        expected,
        observed,
    )


RUNNERS: dict[ChaosTest, Callable[..., ChaosResult]] = {
    ChaosTest.MARKET_SHOCK: _safely(ChaosTest.MARKET_SHOCK)(market_shock),
    ChaosTest.CONVERSION_DROP: _safely(ChaosTest.CONVERSION_DROP)(conversion_drop),
    ChaosTest.API_OUTAGE: _safely(ChaosTest.API_OUTAGE)(api_outage),
    ChaosTest.BUDGET_OVERRUN: _safely(ChaosTest.BUDGET_OVERRUN)(budget_overrun),
}
