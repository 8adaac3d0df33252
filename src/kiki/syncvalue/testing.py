"""Real data for tests and benchmarks: the CDNOW transaction log, given platforms and ad spend.

CDNOW (69,659 orders from 23,570 customers, 1997-01-01 to 1998-06-30) ships in the ``lifetimes``
package, a test-only dependency. Its file is found without importing ``lifetimes`` (whose
``__init__`` pulls pandas, which warns on import) and read as text.

CDNOW has no platforms or spend, so these fixed rules add them (deterministic, documented):

- a customer's order platform is ``sha256(customer_id) mod 6`` in the enum's order, except
  customers whose numeric id ends in 7: their orders carry no platform;
- customers whose numeric id is a multiple of 4 also appear in a customers file, on platform
  ``sha256("customers:" + customer_id) mod 6`` (so it often disagrees with their orders, and the
  customers file wins), acquired on their first purchase day, or 3 days later when the id is
  4 more than a multiple of 8 (so purchases before acquisition exist);
- spend: every day of the log, on every platform, ``100 + (37 d + 101 r) mod 900`` dollars and
  ``(d * (r + 1)) mod 100`` cents, d the day's index from 1997-01-01 and r the platform's rank.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kiki.core.platform import Platform

CDNOW_ORDERS = 69_659
CDNOW_CUSTOMERS = 23_570
CDNOW_FIRST_DAY = date(1997, 1, 1)
CDNOW_LAST_DAY = date(1998, 6, 30)
_PLATFORMS = list(Platform)


@dataclass(frozen=True, slots=True)
class CdnowOrder:
    customer_id: str
    day: date
    amount: str  # dollars, as written in the log
    platform: Platform | None


@dataclass(frozen=True, slots=True)
class CdnowCustomer:
    customer_id: str
    platform: Platform
    acquired: date


@dataclass(frozen=True, slots=True)
class CdnowSpend:
    day: date
    platform: Platform
    amount: str


def cdnow_path() -> Path | None:
    """Where ``lifetimes`` keeps ``datasets/CDNOW_master.txt``, or None if it is not installed."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "datasets" / "CDNOW_master.txt"
        if path.is_file():
            return path
    return None


def _hash_platform(text: str) -> Platform:
    return _PLATFORMS[int(hashlib.sha256(text.encode()).hexdigest(), 16) % len(_PLATFORMS)]


def order_platform(customer_id: str) -> Platform | None:
    return None if int(customer_id) % 10 == 7 else _hash_platform(customer_id)


def cdnow_orders(path: Path) -> Iterator[CdnowOrder]:
    """The log's rows: ``customer_id  YYYYMMDD  number_of_cds  dollar_value``."""
    with path.open(encoding="ascii") as lines:
        next(lines)
        for line in lines:
            customer_id, day, _cds, dollars = line.split()
            parsed = date(int(day[:4]), int(day[4:6]), int(day[6:]))
            yield CdnowOrder(customer_id, parsed, dollars, order_platform(customer_id))


def cdnow_customers(orders: list[CdnowOrder]) -> list[CdnowCustomer]:
    first: dict[str, date] = {}
    for order in orders:
        if order.customer_id not in first or order.day < first[order.customer_id]:
            first[order.customer_id] = order.day
    customers = []
    for customer_id, day in sorted(first.items()):
        number = int(customer_id)
        if number % 4 == 0:
            acquired = day + timedelta(days=3) if number % 8 == 4 else day
            platform = _hash_platform("customers:" + customer_id)
            customers.append(CdnowCustomer(customer_id, platform, acquired))
    return customers


def cdnow_spend() -> list[CdnowSpend]:
    rows = []
    for index in range((CDNOW_LAST_DAY - CDNOW_FIRST_DAY).days + 1):
        day = CDNOW_FIRST_DAY + timedelta(days=index)
        for rank, platform in enumerate(_PLATFORMS):
            dollars = 100 + (37 * index + 101 * rank) % 900
            cents = (index * (rank + 1)) % 100
            rows.append(CdnowSpend(day, platform, f"{dollars}.{cents:02d}"))
    return rows


def orders_csv(orders: list[CdnowOrder]) -> Iterator[bytes]:
    yield b"customer_id,ordered_at,amount,platform,number_of_cds\n"
    for o in orders:
        platform = o.platform.value if o.platform else ""
        yield f"{o.customer_id},{o.day.isoformat()},{o.amount},{platform},1\n".encode()


def customers_csv(customers: list[CdnowCustomer]) -> Iterator[bytes]:
    yield b"customer_id,platform,acquired_at\n"
    for c in customers:
        yield f"{c.customer_id},{c.platform.value},{c.acquired.isoformat()}\n".encode()


def spend_csv(spend: list[CdnowSpend]) -> Iterator[bytes]:
    yield b"date,platform,spend\n"
    for s in spend:
        yield f"{s.day.isoformat()},{s.platform.name.lower()},{s.amount}\n".encode()
