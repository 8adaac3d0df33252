"""SyncValue's use cases: value reports, baselines, CSV imports."""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from kiki.application import inputs
from kiki.application.base import ServicesBase
from kiki.application.values import ValueAnswer
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.plan import CyclePlan
from kiki.syncflow.services.run_optimization_cycle import (
    LTV_LOOKBACK_DAYS,
)
from kiki.syncvalue.domain.definitions import Baseline as ValueBaseline
from kiki.syncvalue.domain.definitions import Window
from kiki.syncvalue.domain.records import ImportResult, RecordKind
from kiki.syncvalue.services.import_csv import ProgressCallback, import_csv


class ValueServices(ServicesBase):
    def value_report(
        self, client_id: str, *, lookback_days: int, as_of: datetime | None = None
    ) -> ValueAnswer:
        window = Window(as_of or self.ports.clock.now(), lookback_days)  # bad input first
        return self.values.report(
            self.require_value_client(client_id),
            lookback_days=window.lookback_days,
            as_of=window.as_of,
        )

    def value_baseline(
        self, client_id: str, *, lookback_days: int, as_of: datetime | None = None
    ) -> ValueBaseline:
        window = Window(as_of or self.ports.clock.now(), lookback_days)  # bad input first
        return self.values.baseline(
            self.require_value_client(client_id),
            lookback_days=window.lookback_days,
            as_of=window.as_of,
        )

    def left_out_note(self, client_id: str, plan: CyclePlan | None, at: datetime) -> str | None:
        """Why platforms had no LTV although the client has imported data: no cohort in the
        lookback ending at ``at``, and when the latest imported order was; None otherwise."""
        if plan is None or not any(x.reason == "ltv_unknown" for x in plan.left_out_detail):
            return None
        source = self.ports.values
        if not source.has_data(client_id):
            return None
        latest = source.latest_order_at(client_id)
        since = (
            "no orders were imported"
            if latest is None
            else (f"the latest imported order is from {latest:%Y-%m-%d}")
        )
        return (
            f"no customer was acquired in the {LTV_LOOKBACK_DAYS} days to {at:%Y-%m-%d %H:%M} "
            f"UTC, so there is no cohort to measure an LTV on; {since}"
        )

    def platform_value(
        self,
        client_id: str,
        platform: Platform,
        *,
        what: str,
        lookback_days: int = LTV_LOOKBACK_DAYS,
        as_of: datetime | None = None,
    ) -> Money | None:
        """The LTV (``what="ltv"``) or CAC the optimiser uses for one platform."""
        source = self.ports.optimizer_values
        read = source.platform_ltv if what == "ltv" else source.platform_cac
        return read(
            client_id, platform, lookback_days=lookback_days, as_of=as_of or self.ports.clock.now()
        )

    def require_value_client(self, client_id: str) -> str:
        """Known to KIKI, or with imported data."""
        if self.ports.values.has_data(client_id):
            return client_id
        return self.require_client(client_id)

    def import_file(
        self,
        kind: RecordKind,
        stream: BinaryIO,
        *,
        client_id: str,
        on_progress: ProgressCallback | None = None,
    ) -> ImportResult:
        inputs.check_client(client_id)
        return import_csv(
            kind,
            stream,
            client_id=client_id,
            importer=self.ports.value_importer,
            on_progress=on_progress,
        )
