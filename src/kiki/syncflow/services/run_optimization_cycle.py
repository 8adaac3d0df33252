"""One optimisation cycle for one client: read, plan (the seed's five steps), apply, report."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from kiki.core.clock import Clock
from kiki.core.errors import KikiError, StorageError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.core.state import StateStore
from kiki.platforms.errors import PlatformError
from kiki.platforms.ports import PlatformGateway
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.efficiency import PlatformInput
from kiki.syncflow.domain.plan import WindowUsage, plan_cycle
from kiki.syncflow.domain.report import CycleReport, CycleStatus, ShiftOutcome, ShiftResult
from kiki.syncflow.ports import ClientConfigStore, OptimizerMetrics, ReadingBook, ValueSource
from kiki.syncflow.services.shift_budget import shift_budget
from kiki.syncledger.ledger import IN_TRANSIT, Transfer, TransferKind, account_platform, balances
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.ports import AuditLog

LTV_LOOKBACK_DAYS = 90


def run_optimization_cycle(
    client_id: str,
    *,
    gateway: PlatformGateway,
    values: ValueSource,
    ledger: Ledger,
    audit: AuditLog,
    notifier: Notifier,
    configs: ClientConfigStore,
    state: StateStore,
    metrics: OptimizerMetrics,
    readings: ReadingBook,
    clock: Clock,
    cac_window_s: float,
    dry_run: bool = False,
    lock_ttl_s: float = 120.0,
) -> CycleReport:
    """Run one cycle under the client's lock; a concurrent call returns status LOCKED.

    A dry run changes nothing, so it takes no lock and never bounces off a running cycle.
    Raises UnknownClientError if the gateway has no accounts for the client.
    """

    def run() -> CycleReport:
        return _run(
            client_id,
            gateway=gateway,
            values=values,
            ledger=ledger,
            audit=audit,
            notifier=notifier,
            configs=configs,
            metrics=metrics,
            readings=readings,
            clock=clock,
            cac_window_s=cac_window_s,
            dry_run=dry_run,
        )

    if dry_run:
        return run()
    lock_key = f"syncflow:cycle:{client_id}"
    token = state.acquire_lock(lock_key, ttl_s=lock_ttl_s)
    if token is None:
        return CycleReport(client_id, CycleStatus.LOCKED, clock.now())
    started = clock.monotonic()
    try:
        return run()
    finally:
        metrics.observe_cycle(clock.monotonic() - started)
        state.release_lock(lock_key, token)


def _run(
    client_id: str,
    *,
    gateway: PlatformGateway,
    values: ValueSource,
    ledger: Ledger,
    audit: AuditLog,
    notifier: Notifier,
    configs: ClientConfigStore,
    metrics: OptimizerMetrics,
    readings: ReadingBook,
    clock: Clock,
    cac_window_s: float,
    dry_run: bool,
) -> CycleReport:
    now = clock.now()
    config = configs.get(client_id)
    inputs, errors = _read_inputs(
        client_id,
        config,
        gateway=gateway,
        values=values,
        metrics=metrics,
        now=now,
        cac_window_s=cac_window_s,
    )
    history = ledger.transfers(client_id=client_id)
    plan = plan_cycle(inputs, config, usage=window_usage(history, now, config.window_s), now=now)
    for p in plan.platforms:
        metrics.observe_efficiency(p.platform, p.efficiency)
    for platform in plan.left_out:
        metrics.count_left_out(platform, "ltv_unavailable" if platform in errors else "no_data")
    for platform in errors.keys() - set(plan.left_out):
        metrics.count_left_out(platform, "api_error")
    budgets = {item.platform: item.daily_budget for item in inputs}
    if dry_run:
        report = CycleReport(client_id, CycleStatus.DRY_RUN, now, plan, (), dict(budgets), errors)
        _keep(readings, report)
        return report
    if balances(history).get(IN_TRANSIT, Money(0)).micros != 0:
        report = CycleReport(client_id, CycleStatus.PAUSED, now, plan, (), dict(budgets), errors)
        _keep(readings, report)
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
            gateway=gateway,
            ledger=ledger,
            audit=audit,
            notifier=notifier,
            metrics=metrics,
            clock=clock,
        )
        outcomes.append(outcome)
        if outcome.result is ShiftResult.APPLIED:
            budgets[shift.source] -= shift.amount
            budgets[shift.destination] += shift.amount
        elif outcome.result is ShiftResult.STUCK_IN_TRANSIT:
            break  # stop moving money until a person has looked
    report = CycleReport(
        client_id, CycleStatus.COMPLETED, now, plan, tuple(outcomes), before, errors
    )
    _keep(readings, report)
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
    inputs: list[PlatformInput] = []
    errors: dict[Platform, str] = {}
    for platform in gateway.platforms(client_id):
        if not config.enabled(platform):
            continue
        try:
            reading = gateway.read(client_id, platform, window_s=cac_window_s)
        except PlatformError as exc:
            metrics.count_platform_error(platform, "read")
            errors[platform] = str(exc)
            continue
        try:
            ltv = values.platform_ltv(
                client_id, platform, lookback_days=LTV_LOOKBACK_DAYS, as_of=now
            )
            cac = values.platform_cac(
                client_id, platform, lookback_days=LTV_LOOKBACK_DAYS, as_of=now
            )
        except KikiError as exc:
            errors[platform] = f"LTV/CAC unavailable: {exc}"
            ltv = cac = None
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


def window_usage(
    history: list[Transfer], now: datetime, window_s: float
) -> dict[Platform, WindowUsage]:
    """Per platform: what left it and its net change within [now - window, now]."""
    since = now - timedelta(seconds=window_s)
    outflow: dict[Platform, int] = defaultdict(int)
    net: dict[Platform, int] = defaultdict(int)
    last_out: dict[Platform, datetime] = {}
    for t in history:
        if t.at < since:
            continue
        source, destination = account_platform(t.source), account_platform(t.destination)
        if source is not None:
            net[source] -= t.amount.micros
            if t.kind is TransferKind.SHIFT_OUT:
                outflow[source] += t.amount.micros
                last_out[source] = max(t.at, last_out.get(source, t.at))
        if destination is not None:
            net[destination] += t.amount.micros
            if t.kind is TransferKind.ROLLBACK:
                outflow[destination] -= t.amount.micros  # a rolled-back shift never left
    platforms = set(outflow) | set(net)
    return {
        p: WindowUsage(Money(max(0, outflow[p])), Money(net[p]), last_out.get(p)) for p in platforms
    }
