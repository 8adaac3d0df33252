"""The rows SyncValue stores: customers, orders and daily ad spend, parsed and keyed."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from kiki.core.money import Money
from kiki.core.platform import Platform


class RecordKind(enum.Enum):
    CUSTOMERS = "customers"
    ORDERS = "orders"
    SPEND = "spend"


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """A customer's acquisition as the customers file states it (it wins over first orders)."""

    customer_id: str
    platform: Platform
    acquired_at: datetime


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """One order; ``key`` is its idempotency key (from ``order_id``, else from the content)."""

    key: str
    customer_id: str
    ordered_at: datetime
    amount: Money
    order_id: str | None
    platform: Platform | None


@dataclass(frozen=True, slots=True)
class SpendRecord:
    """Ad spend on one platform for one UTC day; several rows for one day add up."""

    key: str
    day: date
    platform: Platform
    spend: Money
    impressions: int | None
    clicks: int | None
    conversions: int | None


Record = CustomerRecord | OrderRecord | SpendRecord


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: rows read from the file, and rows the database did not hold before."""

    kind: RecordKind
    rows: int
    new: int

    @property
    def already_present(self) -> int:
        return self.rows - self.new
