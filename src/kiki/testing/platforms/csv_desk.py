"""A fake for the csv adapter: the platform's report export and the person who uploads KIKI's
change file, both over a ``FakeMarket``.

    desk = CsvDesk(market, exports_dir=…, changes_dir=…)
    desk.export("acme", Platform.TIKTOK, "acme-tiktok")   # a new export file, as the platform
    desk.upload("acme", Platform.TIKTOK, "acme-tiktok")   # a person applies the change file

Exports use the platform's own column names (one row per campaign per UTC day, from
``since_days`` days back); campaign ids are the numbers the other fakes show. Each export is a
new file, ordered after the previous one, so the adapter can tell which changes it confirms.
"""

from __future__ import annotations

import csv
import itertools
import os
import threading
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from kiki.adapters.platforms.csv import changes
from kiki.adapters.platforms.csv.exports import COLUMNS, FIELDS, folder_name
from kiki.campaigns.domain import Bid, BidStrategy, CampaignStatus, PauseReason
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.model import Figures
from kiki.testing.platforms.market import FakeMarket, decimal_text, numeric_id

_STATUS = {
    CampaignStatus.ACTIVE: "Active",
    CampaignStatus.PAUSED: "Paused",
    CampaignStatus.REMOVED: "Removed",
}


class CsvDesk:
    def __init__(
        self,
        market: FakeMarket,
        *,
        exports_dir: Path,
        changes_dir: Path,
        bids: bool = True,
        since_days: int = 2,
    ) -> None:
        self.market = market
        self.exports_dir = exports_dir
        self.changes_dir = changes_dir
        self.bids = bids
        self.since_days = since_days
        self._applied: set[str] = set()
        self._numbers = itertools.count(1)
        self._stamp = time.time_ns()
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Path]:
        return {"csv_exports_dir": self.exports_dir, "csv_changes_dir": self.changes_dir}

    def export(self, client_id: str, platform: Platform, account: str) -> Path:
        """A new export file of the account as the market holds it now."""
        header = self._header(platform)
        today = self.market.clock.now().date()
        first = today - timedelta(days=self.since_days)
        start = datetime.combine(first, datetime.min.time(), tzinfo=self.market.clock.now().tzinfo)
        per_day: dict[tuple[str, date], list[Figures]] = defaultdict(list)
        for hour in self.market.hours(client_id, platform, start):
            per_day[(hour.campaign_id, hour.start.date())].append(hour.figures)
        rows = []
        for reading in self.market.campaigns(client_id, platform):
            state = reading.state
            day = first
            while day <= today:
                figures = per_day.get((state.campaign_id, day), [])
                rows.append(
                    [
                        day.isoformat(),
                        str(numeric_id(state.campaign_id)),
                        state.name,
                        _STATUS[state.status],
                        decimal_text(state.daily_budget.micros),
                        decimal_text(state.bid.amount.micros) if state.bid.amount else "",
                        state.bid.strategy.value,
                        decimal_text(sum(f.spend_micros for f in figures)),
                        str(round(sum(f.impressions for f in figures))),
                        str(round(sum(f.clicks for f in figures))),
                        repr(sum(f.conversions for f in figures)),
                        decimal_text(sum(f.revenue_micros for f in figures)),
                    ]
                )
                day += timedelta(days=1)
        keep = [i for i, field in enumerate(FIELDS) if field in header]
        with self._lock:
            number = next(self._numbers)
            folder = self.exports_dir / folder_name(platform) / account
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"export-{number:06d}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow([f"{platform.display_name} campaign report"])
                writer.writerow([header[FIELDS[i]] for i in keep])
                writer.writerows([[row[i] for i in keep] for row in rows])
                writer.writerow(["Total", "", "", "", "", "", "", "", "", "", "", ""][: len(keep)])
            stamp = self._stamp + number * 1_000_000
            os.utime(path, ns=(stamp, stamp))
        return path

    def upload(self, client_id: str, platform: Platform, account: str) -> int:
        """Apply every line of the change file not applied yet, then export; how many."""
        path = changes.change_file(self.changes_dir, folder_name(platform), account)
        lines = [line for line in changes.read(path) if line.change_id not in self._applied]
        sandbox = self.market.sandbox
        created: dict[str, dict[str, str]] = {}
        for line in lines:
            self._applied.add(line.change_id)
            if not line.campaign_id:
                created.setdefault(line.campaign, {})[line.field] = line.new
                continue
            sandbox_id = self.market.sandbox_id(client_id, platform, int(line.campaign_id))
            if sandbox_id is None:
                continue
            state = next(
                r.state
                for r in self.market.campaigns(client_id, platform)
                if r.state.campaign_id == sandbox_id
            )
            if line.field == "daily_budget":
                sandbox.set_campaign_budget(state.ref, _money(line.new))
            elif line.field == "bid":
                sandbox.set_bid(state.ref, _bid(line.new))
            elif line.field == "status" and line.new == "PAUSED":
                sandbox.pause(state.ref, PauseReason.MANUAL)
            elif line.field == "status" and line.new == "ACTIVE":
                sandbox.resume(state.ref)
        for name, fields in created.items():
            sandbox.create_campaign(
                client_id,
                platform,
                name=name,
                daily_budget=_money(fields.get("daily_budget", "0")),
                bid=_bid(fields.get("bid", "automatic")),
            )
        self.export(client_id, platform, account)
        return len(lines)

    def _header(self, platform: Platform) -> dict[str, str]:
        names = COLUMNS[platform]
        header = {field: (names.get(field) or (field,))[0].title() for field in FIELDS}
        if not self.bids:
            header.pop("bid")
            header.pop("bid_strategy")
        elif "bid_strategy" not in names:
            header["bid_strategy"] = "bid_strategy"
        if "bid" not in names and self.bids:
            header["bid"] = "bid"
        return header


def _money(text: str) -> Money:
    return Money.parse(text)


def _bid(text: str) -> Bid:
    if text == "automatic":
        return Bid.automatic()
    strategy, amount = text.split(" ", 1)
    return Bid(BidStrategy(strategy), _money(amount))
