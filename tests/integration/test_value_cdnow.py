"""SyncValue on the real CDNOW log, on SQLite and PostgreSQL, against a plain-Python reference.

The log is imported once per engine for the module (about 77,000 rows through the real CSV
import); platforms and spend are added by the fixed rules in ``kiki.syncvalue.testing``. The
reference below recomputes the issue's definitions from the same rows with exact fractions,
without SQL and without SyncValue's domain code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import make_engine, upgrade
from kiki.adapters.sql.importer import SqlValueImporter
from kiki.adapters.sql.value_source import SqlValueSource
from kiki.adapters.sql.value_tables import value_orders
from kiki.core.platform import Platform
from kiki.syncvalue import testing as cdnow
from kiki.syncvalue.domain.records import RecordKind
from kiki.syncvalue.services.import_csv import import_csv
from tests.conftest import IN_CI, postgres_schema

CLIENT = "cdnow"


@dataclass(frozen=True)
class Data:
    orders: list[cdnow.CdnowOrder]
    customers: list[cdnow.CdnowCustomer]
    spend: list[cdnow.CdnowSpend]


@pytest.fixture(scope="module")
def data() -> Data:
    path = cdnow.cdnow_path()
    if path is None:
        reason = "the lifetimes package (test-only dependency with CDNOW) is not installed"
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    orders = list(cdnow.cdnow_orders(path))
    return Data(orders, cdnow.cdnow_customers(orders), cdnow.cdnow_spend())


def _load(engine: Engine, data: Data) -> SqlValueSource:
    importer = SqlValueImporter(engine)
    for kind, lines in (
        (RecordKind.CUSTOMERS, cdnow.customers_csv(data.customers)),
        (RecordKind.ORDERS, cdnow.orders_csv(data.orders)),
        (RecordKind.SPEND, cdnow.spend_csv(data.spend)),
    ):
        import_csv(kind, lines, client_id=CLIENT, importer=importer)
    return SqlValueSource(engine)


@pytest.fixture(scope="module")
def sqlite_cdnow(tmp_path_factory: pytest.TempPathFactory, data: Data) -> Iterator[Engine]:
    folder: Path = tmp_path_factory.mktemp("cdnow")
    engine = make_engine(f"sqlite:///{folder}/kiki.sqlite3")
    upgrade(engine)
    _load(engine, data)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_cdnow(data: Data) -> Iterator[Engine]:
    with postgres_schema() as engine:
        _load(engine, data)
        yield engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded(request: pytest.FixtureRequest) -> Engine:
    name = "sqlite_cdnow" if request.param == "sqlite" else "postgres_cdnow"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


def _micros(dollars: str) -> int:
    return int(Decimal(dollars) * 1_000_000)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _half_even(value: Fraction) -> int:
    return round(value)  # Python rounds Fractions half to even


class Reference:
    def __init__(self, data: Data) -> None:
        self.orders = [(o.customer_id, _at(o.day), _micros(o.amount)) for o in data.orders]
        self.spend = [(_at(s.day), s.platform, _micros(s.amount)) for s in data.spend]
        self.acquired: dict[str, tuple[Platform, datetime]] = {
            c.customer_id: (c.platform, _at(c.acquired)) for c in data.customers
        }
        first: dict[str, tuple[datetime, Platform | None]] = {}
        for o in data.orders:
            seen = first.get(o.customer_id)
            if seen is None or _at(o.day) < seen[0]:
                first[o.customer_id] = (_at(o.day), o.platform)
        for customer_id, (at, platform) in first.items():
            if customer_id not in self.acquired and platform is not None:
                self.acquired[customer_id] = (platform, at)

    def platforms(self, t: datetime, lookback: int) -> dict[Platform, tuple[object, ...]]:
        start = t - timedelta(days=lookback)
        result = {}
        for p in Platform:
            cohort = {c: at for c, (q, at) in self.acquired.items() if q is p and start <= at < t}
            revenue = sum(m for c, at, m in self.orders if c in cohort and cohort[c] <= at < t)
            spend = sum(m for at, q, m in self.spend if q is p and start <= at < t)
            n = len(cohort)
            ltv = _half_even(Fraction(revenue, n)) if n else None
            cac = _half_even(Fraction(spend, n)) if n else None
            result[p] = (n, revenue, spend, ltv, cac)
        return result

    def baseline(self, t: datetime, lookback: int) -> tuple[object, ...]:
        start, earlier = t - timedelta(days=lookback), t - timedelta(days=2 * lookback)
        in_w = [(c, m) for c, at, m in self.orders if start <= at < t]
        revenue = sum(m for _, m in in_w)
        spend = sum(m for at, _, m in self.spend if start <= at < t)
        before = {c for c, at, _ in self.orders if earlier <= at < start}
        churned = before - {c for c, _ in in_w}
        return (
            _half_even(Fraction(revenue * 30, lookback)),
            _half_even(Fraction(spend * 30, lookback)),
            _half_even(Fraction(revenue, len(in_w))) if in_w else None,
            len(in_w),
            Fraction(len(churned), len(before)) if before else None,
        )


@pytest.fixture(scope="module")
def reference(data: Data) -> Reference:
    return Reference(data)


CASES = [
    (datetime(1997, 1, 1, tzinfo=UTC), 90),  # before the first order: nothing at all
    (datetime(1997, 1, 15, tzinfo=UTC), 7),
    (datetime(1997, 2, 1, tzinfo=UTC), 30),
    (datetime(1997, 3, 15, 12, tzinfo=UTC), 45),  # mid-day: partial first and last spend days
    (datetime(1997, 4, 1, tzinfo=UTC), 90),  # the whole acquisition period in one window
    (datetime(1997, 7, 1, tzinfo=UTC), 90),  # nobody acquired: unknown LTV and CAC
    (datetime(1998, 1, 1, tzinfo=UTC), 180),
    (datetime(1998, 7, 1, tzinfo=UTC), 365),
]


def test_stores_every_cdnow_order_once(loaded: Engine) -> None:
    with loaded.connect() as conn:
        orders, customers = conn.execute(
            sa.select(
                sa.func.count(), sa.func.count(sa.distinct(value_orders.c.customer_id))
            ).where(value_orders.c.client_id == CLIENT)
        ).one()
    assert (orders, customers) == (cdnow.CDNOW_ORDERS, cdnow.CDNOW_CUSTOMERS)


@pytest.mark.parametrize(("as_of", "lookback"), CASES)
def test_ltv_and_cac_match_the_reference(
    loaded: Engine, reference: Reference, as_of: datetime, lookback: int
) -> None:
    report = SqlValueSource(loaded).value_report(CLIENT, lookback_days=lookback, as_of=as_of)
    got = {
        v.platform: (
            v.customers,
            v.revenue.micros,
            v.spend.micros,
            None if v.ltv is None else v.ltv.micros,
            None if v.cac is None else v.cac.micros,
        )
        for v in report.platforms
    }
    assert got == reference.platforms(as_of, lookback)


@pytest.mark.parametrize(("as_of", "lookback"), CASES)
def test_baseline_matches_the_reference(
    loaded: Engine, reference: Reference, as_of: datetime, lookback: int
) -> None:
    b = SqlValueSource(loaded).baseline(CLIENT, lookback_days=lookback, as_of=as_of)
    expected = reference.baseline(as_of, lookback)
    churn = expected[4]
    assert (
        b.monthly_revenue.micros,
        b.monthly_ad_spend.micros,
        None if b.avg_order_value is None else b.avg_order_value.micros,
        b.orders,
    ) == expected[:4]
    assert b.baseline_churn == (None if churn is None else float(churn))  # type: ignore[arg-type]


def test_the_interesting_cases_are_really_there(reference: Reference) -> None:
    """Guards the cases above against data that would make them trivial."""
    assert reference.platforms(datetime(1997, 7, 1, tzinfo=UTC), 90)[Platform.META][3] is None
    assert reference.baseline(datetime(1997, 1, 1, tzinfo=UTC), 90)[4] is None
    busy = reference.platforms(datetime(1997, 4, 1, tzinfo=UTC), 90)
    assert all(int(str(v[0])) > 3_000 for v in busy.values())
    assert reference.baseline(datetime(1998, 1, 1, tzinfo=UTC), 180)[4] is not None


def test_reimporting_the_log_adds_nothing(sqlite_cdnow: Engine, data: Data) -> None:
    result = import_csv(
        RecordKind.ORDERS,
        cdnow.orders_csv(data.orders),
        client_id=CLIENT,
        importer=SqlValueImporter(sqlite_cdnow),
    )
    assert (result.rows, result.new) == (cdnow.CDNOW_ORDERS, 0)
