"""One optimisation cycle for one client: read, plan (the seed's five steps), apply, report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiki.core.clock import Clock
from kiki.core.errors import KikiError, StorageError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformError
from kiki.platforms.ports import PlatformGateway, PlatformReading
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.efficiency import PlatformInput
from kiki.syncflow.domain.plan import WindowUsage, plan_cycle
from kiki.syncflow.domain.report import CycleReport, CycleStatus, ShiftOutcome, ShiftResult
from kiki.syncflow.ports import (
    ClientConfigStore,
    ClientStates,
    CycleLeases,
    OptimizerMetrics,
    PlatformValues,
    ReadingBook,
    ValueSource,
)
from kiki.syncflow.services.fence import Fence
from kiki.syncflow.services.reconcile import reconcile
from kiki.syncflow.services.shift_budget import shift_budget
from kiki.syncledger.ledger import Transfer, TransferKind, account_platform
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.ports import AuditLog

LTV_LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class CyclePorts:
    """What a cycle talks to; bootstrap's adapters, or a test's fakes."""

    gateway: PlatformGateway
    values: ValueSource
    ledger: Ledger
    audit: AuditLog
    notifier: Notifier
    configs: ClientConfigStore
    leases: CycleLeases
    states: ClientStates
    metrics: OptimizerMetrics
    readings: ReadingBook
    clock: Clock


def run_optimization_cycle(
    client_id: str,
    *,
    ports: CyclePorts,
    cac_window_s: float,
    dry_run: bool = False,
    lease_ttl_s: float = 120.0,
) -> CycleReport:
    """Run one cycle under the client's lease; while another holder has it, status LOCKED.

    A paused or stuck client gets no cycle (status PAUSED or STUCK). Before planning, every
    pending transfer the client has is reconciled against the platforms. A dry run changes
    nothing, so it takes no lease and never bounces off a running cycle. Raises
    UnknownClientError if the gateway has no accounts for the client, FencedOutError when the
    lease was lost mid-cycle (the pending transfer is left for the next holder to reconcile).
    """
    p = ports
    if dry_run:
        return _run(client_id, ports=p, cac_window_s=cac_window_s, dry_run=True, fence=Fence())
    lease = p.leases.acquire(client_id, ttl_s=lease_ttl_s, now=p.clock.now())
    if lease is None:
        return CycleReport(client_id, CycleStatus.LOCKED, p.clock.now())
    fence = Fence(lease, p.leases, p.clock)
    started = p.clock.monotonic()
    try:
        status = p.states.get(client_id)
        if not status.may_move_money:
            return CycleReport(client_id, CycleStatus(status.state.value), p.clock.now())
        reconciled = reconcile(
            client_id,
            gateway=p.gateway,
            ledger=p.ledger,
            states=p.states,
            audit=p.audit,
            notifier=p.notifier,
            metrics=p.metrics,
            clock=p.clock,
            fence=fence,
        )
        if reconciled.stuck:
            return CycleReport(client_id, CycleStatus.STUCK, p.clock.now())
        if reconciled.awaiting:
            return CycleReport(client_id, CycleStatus.PENDING_CONFIRMATION, p.clock.now())
        return _run(client_id, ports=p, cac_window_s=cac_window_s, dry_run=False, fence=fence)
    finally:
        p.metrics.observe_cycle(p.clock.monotonic() - started)
        p.leases.release(lease)


def _run(
    client_id: str,
    *,
    ports: CyclePorts,
    cac_window_s: float,
    dry_run: bool,
    fence: Fence,
) -> CycleReport:
    p = ports
    now = p.clock.now()
    config = p.configs.get(client_id)
    inputs, errors = _read_inputs(
        client_id,
        config,
        gateway=p.gateway,
        values=p.values,
        metrics=p.metrics,
        now=now,
        cac_window_s=cac_window_s,
    )
    # Only the rolling window: nothing older counts against the cap (see window_usage).
    since = now - timedelta(seconds=config.window_s)
    history = p.ledger.transfers(client_id=client_id, since=since)
    plan = plan_cycle(inputs, config, usage=window_usage(history, now, config.window_s), now=now)
    for x in plan.platforms:
        p.metrics.observe_efficiency(x.platform, x.efficiency)
    for platform in plan.left_out:
        p.metrics.count_left_out(platform, "ltv_unavailable" if platform in errors else "no_data")
    for platform in errors.keys() - set(plan.left_out):
        p.metrics.count_left_out(platform, "api_error")
    budgets = {item.platform: item.daily_budget for item in inputs}
    if dry_run:
        report = CycleReport(client_id, CycleStatus.DRY_RUN, now, plan, (), dict(budgets), errors)
        _keep(p.readings, report)
        return report

    before = dict(budgets)
    cycle_id = now.strftime("%Y%m%dT%H%M%S.%fZ")
    outcomes: list[ShiftOutcome] = []
    for shift in plan.shifts:
        outcome = shift_budget(
            client_id,
            shift,
            shift_id=f"{client_id}/{cycle_id}/{shift.source.value}",
            source_budget=budgets[shift.source],
            destination_budget=budgets[shift.destination],
            gateway=p.gateway,
            ledger=p.ledger,
            states=p.states,
            audit=p.audit,
            notifier=p.notifier,
            metrics=p.metrics,
            clock=p.clock,
            fence=fence,
        )
        outcomes.append(outcome)
        if outcome.result is ShiftResult.APPLIED:
            budgets[shift.source] -= shift.amount
            budgets[shift.destination] += shift.amount
        elif outcome.result is ShiftResult.STUCK:
            break  # stop moving money until a person has looked
        elif outcome.result is ShiftResult.PENDING_CONFIRMATION:
            break  # budgets unknown until the platform confirms: no further shift now
    results = {o.result for o in outcomes}
    status = (
        CycleStatus.STUCK
        if ShiftResult.STUCK in results
        else CycleStatus.PENDING_CONFIRMATION
        if ShiftResult.PENDING_CONFIRMATION in results
        else CycleStatus.COMPLETED
    )
    report = CycleReport(client_id, status, now, plan, tuple(outcomes), before, errors)
    _keep(p.readings, report)
    return report


def _keep(readings: ReadingBook, report: CycleReport) -> None:
    """Record the readings; they only spare later reports a platform call, so failing to keep
    them must not turn a cycle that moved money into an error."""
    try:
        readings.record(report)
    except StorageError:
        if report.status is CycleStatus.DRY_RUN:
            raise


def _read_inputs(
    client_id: str,
    config: OptimizerConfig,
    *,
    gateway: PlatformGateway,
    values: ValueSource,
    metrics: OptimizerMetrics,
    now: datetime,
    cac_window_s: float,
) -> tuple[list[PlatformInput], dict[Platform, str]]:
    """Each enabled platform's LTV, CAC and budget; a platform whose API fails is left out.

    CAC comes from the value source when it measures one (the client's imported spend), else
    from the gateway.
    """
    readings: dict[Platform, PlatformReading | PlatformError] = {}
    for platform in gateway.platforms(client_id):
        if not config.enabled(platform):
            continue
        try:
            readings[platform] = gateway.read(client_id, platform, window_s=cac_window_s)
        except PlatformError as exc:
            metrics.count_platform_error(platform, "read")
            readings[platform] = exc
    read = [p for p, r in readings.items() if not isinstance(r, PlatformError)]
    found = _values(client_id, read, values=values, now=now)
    inputs: list[PlatformInput] = []
    errors: dict[Platform, str] = {}
    for platform, reading in readings.items():
        if isinstance(reading, PlatformError):
            errors[platform] = str(reading)
            continue
        value = found.get(platform)
        if isinstance(value, KikiError):
            errors[platform] = f"LTV/CAC unavailable: {value}"
            ltv = cac = None
        else:
            ltv, cac = value or (None, None)
        inputs.append(
            PlatformInput(
                platform,
                ltv,
                cac or reading.cac,
                reading.daily_budget,
                reading.budget_step.micros,
            )
        )
    return inputs, errors


def _values(
    client_id: str, platforms: list[Platform], *, values: ValueSource, now: datetime
) -> dict[Platform, tuple[Money | None, Money | None] | KikiError]:
    """Each platform's (LTV, CAC), or the error that kept it unknown: all platforms in one
    call when the source offers it (whether the client imported data is decided once)."""
    if not platforms:
        return {}
    if isinstance(values, PlatformValues):
        try:
            found = values.platform_values(
                client_id, platforms, lookback_days=LTV_LOOKBACK_DAYS, as_of=now
            )
        except KikiError as exc:
            return dict.fromkeys(platforms, exc)
        return dict(found)
    answers: dict[Platform, tuple[Money | None, Money | None] | KikiError] = {}
    for platform in platforms:
        try:
            answers[platform] = (
                values.platform_ltv(
                    client_id, platform, lookback_days=LTV_LOOKBACK_DAYS, as_of=now
                ),
                values.platform_cac(
                    client_id, platform, lookback_days=LTV_LOOKBACK_DAYS, as_of=now
                ),
            )
        except KikiError as exc:
            answers[platform] = exc
    return answers


def window_usage(
    history: list[Transfer], now: datetime, window_s: float
) -> dict[Platform, WindowUsage]:
    """Per platform: what left it (posted, or pending and so reserved) and its net change
    (posted only) within [now - window, now], and when it last gave (any attempt, so a
    rolled-back or voided shift cools the platform down too, a back-off against a failing API)."""
    since = now - timedelta(seconds=window_s)
    outflow: dict[Platform, int] = defaultdict(int)
    net: dict[Platform, int] = defaultdict(int)
    last_out: dict[Platform, datetime] = {}
    for t in history:
        if t.at < since:
            continue
        source, destination = account_platform(t.source), account_platform(t.destination)
        amount = t.amount.micros
        kind = t.kind
        if kind in (TransferKind.POSTED, TransferKind.SHIFT_OUT) and source is not None:
            net[source] -= amount
        if kind in (TransferKind.POSTED, TransferKind.SHIFT_IN) and destination is not None:
            net[destination] += amount
        if kind in (TransferKind.PENDING, TransferKind.SHIFT_OUT) and source is not None:
            outflow[source] += amount
            last_out[source] = max(t.at, last_out.get(source, t.at))
        if kind in (TransferKind.VOIDED, TransferKind.ROLLED_BACK) and source is not None:
            outflow[source] -= amount  # a voided or rolled-back shift never left
        if kind is TransferKind.ROLLBACK and destination is not None:  # legacy: transit -> A
            net[destination] += amount
            outflow[destination] -= amount
    platforms = set(outflow) | set(net)
    return {
        p: WindowUsage(Money(max(0, outflow[p])), Money(net[p]), last_out.get(p)) for p in platforms
    }
