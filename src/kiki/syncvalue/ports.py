"""The Protocols SyncValue offers and needs: reading values, and writing imported records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncvalue.domain.definitions import Baseline, ValueReport
from kiki.syncvalue.domain.records import CustomerRecord, ImportResult, OrderRecord, SpendRecord


class ValueSource(Protocol):
    """LTV, CAC and the baseline of a client over W = [as_of - lookback_days, as_of).

    Its ``platform_ltv`` matches SyncFlow's ValueSource, so the optimiser can take it as is.
    """

    def platform_ltv(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        """Average LTV of the platform's cohort in W; None when it acquired nobody in W."""
        ...

    def platform_cac(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        """Spend on the platform in W per customer it acquired in W; None with no cohort."""
        ...

    def baseline(self, client_id: str, *, lookback_days: int, as_of: datetime) -> Baseline: ...

    def value_report(self, client_id: str, *, lookback_days: int, as_of: datetime) -> ValueReport:
        """All six platforms and the baseline in one call."""
        ...

    def has_data(self, client_id: str) -> bool:
        """Whether any customers, orders or spend were imported for the client."""
        ...

    def latest_order_at(self, client_id: str) -> datetime | None:
        """When the client's most recent imported order was placed; None without orders."""
        ...


class ValueImporter(Protocol):
    """Writes one file's records in one transaction: all of them, or none if iterating fails."""

    def import_customers(
        self, client_id: str, records: Iterable[CustomerRecord]
    ) -> ImportResult: ...

    def import_orders(self, client_id: str, records: Iterable[OrderRecord]) -> ImportResult: ...

    def import_spend(self, client_id: str, records: Iterable[SpendRecord]) -> ImportResult: ...
