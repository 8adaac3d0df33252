"""CsvGateway: the Gateway ports for accounts without API access, through files.

Reads come from the account's report exports (``exports``); every change KIKI decides is a
line of the account's change file (``changes``) for a person to upload, and the write raises
ChangePendingError: the change is requested, its outcome unknown until a newer export says
(``confirmed``). Asking again for a change still pending writes nothing new and raises again;
asking for what the newest export already shows (with nothing pending) changes nothing.
Bids are offered only when the platform's exports carry a bid column (NotOfferedError).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from kiki.adapters.platforms.accounts import check_budget, split_in_steps
from kiki.adapters.platforms.csv import changes, confirmed
from kiki.adapters.platforms.csv.changes import ChangeLine
from kiki.adapters.platforms.csv.exports import Account, DayRow, folder_name, read_account
from kiki.adapters.platforms.hourly import HourRow, ReportFrame, account_telemetry, zone
from kiki.adapters.platforms.money import to_steps
from kiki.campaigns.domain import (
    Bid,
    CampaignRef,
    CampaignState,
    CampaignStatus,
    PauseReason,
    check_campaign_name,
)
from kiki.core.clock import Clock
from kiki.core.errors import ConfigurationError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.connections import Connection, ConnectionLookup
from kiki.platforms.errors import (
    CampaignNotFoundError,
    ChangePendingError,
    NotOfferedError,
    UnknownClientError,
    UnrepresentableAmountError,
)
from kiki.platforms.pending import PendingChange
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.settings import Settings

ADAPTER = "csv"
STEP_MICROS = 10_000  # budgets in whole cents
DAY = timedelta(days=1)
STATUS_TEXT = {CampaignStatus.ACTIVE: "ACTIVE", CampaignStatus.PAUSED: "PAUSED"}


def units(micros: int) -> str:
    whole, rest = divmod(micros, 1_000_000)
    return f"{whole}.{rest:06d}".rstrip("0").rstrip(".")


def bid_text(bid: Bid) -> str:
    """``automatic``, or the strategy and the amount in currency units (``MAX_CPC 0.45``)."""
    return "automatic" if bid.amount is None else f"{bid.strategy.value} {units(bid.amount.micros)}"


@dataclass(frozen=True, slots=True)
class _Desk:
    """One account's files: what its exports say, and its change file's lines."""

    connection: Connection
    account: Account
    change_file: Path
    lines: tuple[ChangeLine, ...]

    @property
    def pending(self) -> list[ChangeLine]:
        return confirmed.pending(list(self.lines), self.account.newest)

    def campaigns(self) -> list[CampaignState]:
        c = self.connection
        return self.account.campaigns(c.client_id, c.platform)


class CsvGateway:
    """Implements Gateway and PendingChanges for the connections of kind ``csv``."""

    def __init__(self, settings: Settings, clock: Clock, connections: ConnectionLookup) -> None:
        self._settings = settings
        self._clock = clock
        self._connections = connections

    # -- PlatformGateway ---------------------------------------------------------------------
    def platforms(self, client_id: str) -> list[Platform]:
        found = [c.platform for c in self._connections.of(client_id) if c.adapter == ADAPTER]
        if not found:
            raise UnknownClientError(f"client {client_id!r} has no account connected by CSV")
        return sorted(found, key=lambda p: p.rank)

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> PlatformReading:
        desk = self._desk(client_id, platform)
        readings = self._readings(desk, window_s)
        frame = self._frame(window_s)
        total = account_telemetry([r.telemetry for r in readings if r.telemetry], frame)
        budget = sum(
            r.state.daily_budget.micros
            for r in readings
            if r.state.status is not CampaignStatus.REMOVED
        )
        return PlatformReading(Money(budget), total.window.cac, total, Money(STEP_MICROS))

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        check_budget(budget)
        desk = self._desk(client_id, platform)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency="the account's currency")
        live = [s for s in desk.campaigns() if s.status is not CampaignStatus.REMOVED]
        if not live:
            raise UnrepresentableAmountError("daily_budget", "the account has no campaign")
        split = split_in_steps(
            [s.daily_budget.micros for s in live],
            [s.status is CampaignStatus.ACTIVE for s in live],
            budget,
            step_micros=STEP_MICROS,
            currency="the account's currency",
        )
        targets = [
            (s, "daily_budget", units(s.daily_budget.micros), units(micros))
            for s, micros in zip(live, split, strict=True)
        ]
        self._request(desk, targets, "optimiser: account daily budget")

    # -- CampaignReader ----------------------------------------------------------------------
    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        return self._readings(self._desk(client_id, platform), window_s)

    # -- PendingChanges ----------------------------------------------------------------------
    def pending_changes(self, client_id: str, platform: Platform) -> tuple[PendingChange, ...]:
        desk = self._desk(client_id, platform)
        return tuple(
            PendingChange(
                client_id,
                platform,
                line.campaign_id or line.campaign,
                line.field,
                line.old,
                line.new,
                line.reason,
                line.time,
            )
            for line in desk.pending
        )

    # -- CampaignControl ---------------------------------------------------------------------
    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        name = check_campaign_name(name)
        check_budget(daily_budget)
        desk = self._desk(client_id, platform)
        to_steps(daily_budget, STEP_MICROS, field="daily_budget", currency="its currency")
        if bid.amount is not None:
            self._bids_offered(desk)
        requested = [line for line in desk.lines if line.field == "campaign" and line.new == name]
        found = [s for s in desk.campaigns() if s.name == name]
        if requested and found:
            return found[-1]  # a newer export shows the campaign asked for
        if not any(line in desk.pending for line in requested):
            now, after = self._clock.now(), desk.account.newest
            reason = "launch"
            lines = [
                ChangeLine(
                    now, changes.new_change_id(), "", name, "campaign", "", name, reason, after
                ),
                ChangeLine(
                    now,
                    changes.new_change_id(),
                    "",
                    name,
                    "daily_budget",
                    "",
                    units(daily_budget.micros),
                    reason,
                    after,
                ),
                ChangeLine(
                    now, changes.new_change_id(), "", name, "bid", "", bid_text(bid), reason, after
                ),
            ]
            changes.append(desk.change_file, lines)
        raise ChangePendingError(
            platform, f"campaign {name!r} to be created: upload {desk.change_file}"
        )

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        check_budget(budget)
        desk = self._desk_of(ref)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency="the account's currency")
        state = self._campaign(desk, ref)
        target = (state, "daily_budget", units(state.daily_budget.micros), units(budget.micros))
        self._request(desk, [target], "campaign daily budget")
        return replace(state, daily_budget=budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        desk = self._desk_of(ref)
        self._bids_offered(desk)
        if bid.amount is not None:
            to_steps(bid.amount, STEP_MICROS, field="bid", currency="the account's currency")
        state = self._campaign(desk, ref)
        self._request(desk, [(state, "bid", bid_text(state.bid), bid_text(bid))], "bid")
        return replace(state, bid=bid)

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:
        return self._status(ref, CampaignStatus.PAUSED, CampaignStatus.ACTIVE, reason.value)

    def resume(self, ref: CampaignRef) -> CampaignState:
        return self._status(ref, CampaignStatus.ACTIVE, CampaignStatus.PAUSED, "resume")

    # -- internals ---------------------------------------------------------------------------
    def _status(
        self, ref: CampaignRef, target: CampaignStatus, source: CampaignStatus, reason: str
    ) -> CampaignState:
        desk = self._desk_of(ref)
        state = self._campaign(desk, ref)
        asked = confirmed.wanted(desk.pending).get((ref.campaign_id, "status"))
        if state.status is not source and asked is None:
            return state  # already there (or removed), nothing pending: idempotent
        old = STATUS_TEXT.get(state.status, state.status.value)
        self._request(desk, [(state, "status", old, STATUS_TEXT[target])], reason)
        return replace(state, status=target)

    def _request(
        self, desk: _Desk, targets: list[tuple[CampaignState, str, str, str]], reason: str
    ) -> None:
        """Write a line for each target neither the export nor a pending line already asks
        for; raise ChangePendingError while any change to these fields is pending."""
        asked = confirmed.wanted(desk.pending)
        now, after = self._clock.now(), desk.account.newest
        new_lines = []
        waiting = []
        for state, field, old, new in targets:
            key = (state.campaign_id, field)
            effective = asked.get(key, old)
            if effective != new:
                new_lines.append(
                    ChangeLine(
                        now,
                        changes.new_change_id(),
                        state.campaign_id,
                        state.name,
                        field,
                        old,
                        new,
                        reason,
                        after,
                    )
                )
            if effective != new or (key in asked and asked[key] != old):
                waiting.append(f"{state.name}: {field} {old} → {new}")
        changes.append(desk.change_file, new_lines)
        if waiting:
            raise ChangePendingError(
                desk.connection.platform,
                f"{'; '.join(waiting)} (upload {desk.change_file}; the next export confirms it)",
                tuple(waiting),
            )

    def _bids_offered(self, desk: _Desk) -> None:
        if not desk.account.has_bids:
            raise NotOfferedError(
                desk.connection.platform, "bid control", "its exports carry no bid column"
            )

    def _campaign(self, desk: _Desk, ref: CampaignRef) -> CampaignState:
        found = next((s for s in desk.campaigns() if s.campaign_id == ref.campaign_id), None)
        if found is None:
            raise CampaignNotFoundError(ref.campaign_id)
        return found

    def _readings(self, desk: _Desk, window_s: float) -> list[CampaignReading]:
        states = desk.campaigns()
        frame = self._frame(window_s)
        rows = [_day_row(r) for r in desk.account.days()]
        telemetry = frame.by_campaign([s.campaign_id for s in states], rows)
        return [CampaignReading(s, telemetry[s.campaign_id]) for s in states]

    def _frame(self, window_s: float) -> ReportFrame:
        return ReportFrame(self._clock.now(), window_s, zone("UTC"), period=DAY)

    def _desk_of(self, ref: CampaignRef) -> _Desk:
        try:
            return self._desk(ref.client_id, ref.platform)
        except UnknownClientError:
            raise CampaignNotFoundError(ref.campaign_id) from None

    def _desk(self, client_id: str, platform: Platform) -> _Desk:
        connection = self._connections.get(client_id, platform)
        if connection is None or connection.adapter != ADAPTER:
            raise UnknownClientError(
                f"client {client_id!r} has no {platform.display_name} account connected by CSV"
            )
        exports_dir, changes_dir = self._settings.csv_exports_dir, self._settings.csv_changes_dir
        if exports_dir is None or changes_dir is None:
            raise ConfigurationError(
                "the csv adapter needs KIKI_CSV_EXPORTS_DIR and KIKI_CSV_CHANGES_DIR"
            )
        account = read_account(
            exports_dir / folder_name(platform) / connection.account_id, platform
        )
        path = changes.change_file(changes_dir, folder_name(platform), connection.account_id)
        return _Desk(connection, account, path, tuple(changes.read(path)))


def _day_row(row: DayRow) -> HourRow:
    """A day's figures as a row covering the UTC day (the frame's period)."""
    return HourRow(
        row.campaign_id,
        datetime.combine(row.day, time(0), tzinfo=UTC),
        row.spend_micros,
        row.impressions,
        row.clicks,
        row.conversions,
        row.revenue_micros,
    )
