"""SqlValueSource and SqlValueImporter on SQLite and PostgreSQL: the issue's definitions, exactly.

The scenario below is small enough to compute by hand; the comments give the arithmetic.
T = 2024-04-01, L = 30: W = [2024-03-02, 2024-04-01), the earlier window [2024-01-31, 03-02).
The tests at the end hold SyncFlow's ValueSource port to the same numbers on every
implementation: SqlValueSource on SQLite and PostgreSQL, and GrpcValueSource talking to a real
server on loopback whose SyncValue holds the same imported data.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.grpc_clients import GrpcValueSource
from kiki.adapters.sql.importer import SqlValueImporter
from kiki.adapters.sql.value_source import SqlValueSource
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.ports import ValueSource
from kiki.syncvalue.domain.records import ImportResult, RecordKind
from kiki.syncvalue.errors import CsvRowError
from kiki.syncvalue.services.import_csv import import_csv
from tests.contract.remote import serving

T = datetime(2024, 4, 1, tzinfo=UTC)

CUSTOMERS = """customer_id,platform,acquired_at
c1,meta,2024-03-05
c4,tiktok,2024-02-15
c7,linkedin,2024-03-31T23:59:59
c8,PLATFORM_MICROSOFT,2024-03-02T00:00:00Z
"""
ORDERS = """customer_id,ordered_at,amount,platform
c1,2024-03-01,50,meta
c1,2024-03-10,30,google
c1,2024-04-01,100,meta
c2,2024-03-03T12:00:00,20,meta
c2,2024-03-20,10,
c3,2024-03-15,40,
c3,2024-03-16,5,tiktok
c4,2024-02-20,7,tiktok
c5,2024-02-10,9,google
c5,2024-03-25,11,google
c6,2024-03-06,1,amazon
c6,2024-03-06,2,google
c8,2024-03-02,8,
"""
SPEND = """date,platform,spend,clicks
2024-03-01,meta,1000,
2024-03-02,meta,300,12
2024-03-02,meta,300,12
2024-03-31,meta,100,
2024-04-01,meta,999,
2024-03-10,tiktok,50,
"""


def _import(
    engine: Engine, kind: RecordKind, text: str, *, client: str = "acme", chunk_rows: int = 5_000
) -> ImportResult:
    importer = SqlValueImporter(engine, chunk_rows=chunk_rows)
    return import_csv(kind, io.BytesIO(text.encode()), client_id=client, importer=importer)


def _load(engine: Engine, client: str = "acme") -> SqlValueSource:
    _import(engine, RecordKind.CUSTOMERS, CUSTOMERS, client=client)
    _import(engine, RecordKind.ORDERS, ORDERS, client=client)
    _import(engine, RecordKind.SPEND, SPEND, client=client)
    return SqlValueSource(engine)


def _m(units: str) -> Money:
    return Money.parse(units)


def test_cohorts_ltv_and_cac_follow_the_definitions(engine: Engine) -> None:
    report = _load(engine).value_report("acme", lookback_days=30, as_of=T)
    got = {v.platform: (v.customers, v.revenue, v.spend, v.ltv, v.cac) for v in report.platforms}
    assert got == {
        # c1 (customers file beats its google order; 03-01 is before acquisition, 04-01 is T)
        # and c2 (first order's platform): revenue 30 + 20 + 10; spend 300 + 300 + 100.
        Platform.META: (2, _m("60"), _m("700"), _m("30"), _m("350")),
        # c6: two first orders at one instant, Google comes first in the enum order.
        Platform.GOOGLE: (1, _m("3"), _m("0"), _m("3"), _m("0")),
        # c4 was acquired before W, c3's first order had no platform: no cohort, so unknown.
        Platform.TIKTOK: (0, _m("0"), _m("50"), None, None),
        # c7: acquired a second before T, no orders: an LTV of zero, not unknown.
        Platform.LINKEDIN: (1, _m("0"), _m("0"), _m("0"), _m("0")),
        Platform.AMAZON: (0, _m("0"), _m("0"), None, None),
        # c8: acquired exactly at T - L, which W includes.
        Platform.MICROSOFT: (1, _m("8"), _m("0"), _m("8"), _m("0")),
    }


def test_baseline_follows_the_definitions(engine: Engine) -> None:
    baseline = _load(engine).baseline("acme", lookback_days=30, as_of=T)
    # Orders in W: 30 + 20 + 10 + 40 + 5 + 11 + 1 + 2 + 8 = 127 over 9 orders; L = 30 days.
    assert baseline.orders == 9
    assert baseline.monthly_revenue == _m("127")
    assert baseline.avg_order_value == _m("14.111111")
    assert baseline.monthly_ad_spend == _m("750")
    # Earlier buyers c1, c4, c5; only c4 did not come back in W.
    assert (baseline.earlier_customers, baseline.churned_customers) == (3, 1)
    assert baseline.baseline_churn == pytest.approx(1 / 3)


def test_baseline_scales_to_thirty_days_with_half_even_rounding(engine: Engine) -> None:
    baseline = _load(engine).baseline("acme", lookback_days=45, as_of=T)
    # W = [02-16, 04-01) adds c4's 7 (02-20) and c1's 50 (03-01): 184 * 30 / 45 = 122.6666667.
    assert baseline.monthly_revenue == Money(122_666_667)
    assert baseline.orders == 11


def test_single_platform_calls_agree_with_the_report(engine: Engine) -> None:
    source = _load(engine)
    report = source.value_report("acme", lookback_days=30, as_of=T)
    for value in report.platforms:
        assert source.platform_ltv("acme", value.platform, lookback_days=30, as_of=T) == value.ltv
        assert source.platform_cac("acme", value.platform, lookback_days=30, as_of=T) == value.cac


def test_money_divisions_round_half_to_even_to_the_micro(engine: Engine) -> None:
    _import(
        engine,
        RecordKind.CUSTOMERS,
        "customer_id,platform,acquired_at\na,meta,2024-03-20\nb,meta,2024-03-21\n",
    )
    _import(engine, RecordKind.SPEND, "date,platform,spend\n2024-03-20,meta,0.000005\n")
    _import(engine, RecordKind.ORDERS, "customer_id,ordered_at,amount\na,2024-03-22,0.000003\n")
    source = SqlValueSource(engine)
    assert source.platform_cac("acme", Platform.META, lookback_days=30, as_of=T) == Money(2)
    assert source.platform_ltv("acme", Platform.META, lookback_days=30, as_of=T) == Money(2)


def test_reimporting_the_same_files_adds_nothing(engine: Engine) -> None:
    source = _load(engine)
    before = source.value_report("acme", lookback_days=30, as_of=T)
    again = [
        _import(engine, RecordKind.CUSTOMERS, CUSTOMERS),
        _import(engine, RecordKind.ORDERS, ORDERS),
        _import(engine, RecordKind.SPEND, SPEND),
    ]
    assert [(r.rows, r.new) for r in again] == [(4, 0), (13, 0), (6, 0)]
    assert source.value_report("acme", lookback_days=30, as_of=T) == before


def test_orders_with_an_order_id_are_keyed_on_it_and_the_latest_import_wins(
    engine: Engine,
) -> None:
    first = "order_id,customer_id,ordered_at,amount,platform\nA1,c1,2024-03-10,10,meta\n"
    fixed = "order_id,customer_id,ordered_at,amount,platform\nA1,c1,2024-03-10,12,meta\n"
    assert _import(engine, RecordKind.ORDERS, first).new == 1
    assert _import(engine, RecordKind.ORDERS, fixed).new == 0
    source = SqlValueSource(engine)
    assert source.baseline("acme", lookback_days=30, as_of=T).orders == 1
    assert source.platform_ltv("acme", Platform.META, lookback_days=30, as_of=T) == _m("12")


def test_a_bad_row_after_many_good_ones_writes_nothing(engine: Engine) -> None:
    good = "".join(f"c{i},2024-03-10,1,meta\n" for i in range(20))
    text = "customer_id,ordered_at,amount,platform\n" + good + "c99,2024-03-10,-5,meta\n"
    with pytest.raises(CsvRowError, match="line 22: amount: must not be negative"):
        _import(engine, RecordKind.ORDERS, text, chunk_rows=3)
    source = SqlValueSource(engine)
    assert not source.has_data("acme")
    assert source.baseline("acme", lookback_days=30, as_of=T).orders == 0


def test_a_customers_import_moves_customers_between_cohorts(engine: Engine) -> None:
    source = _load(engine)
    _import(
        engine, RecordKind.CUSTOMERS, "customer_id,platform,acquired_at\nc2,amazon,2024-03-03\n"
    )
    report = source.value_report("acme", lookback_days=30, as_of=T)
    assert report.platform(Platform.META).customers == 1
    # c2's orders from 03-03 00:00 on: 20 + 10.
    assert (report.platform(Platform.AMAZON).customers, report.platform(Platform.AMAZON).ltv) == (
        1,
        _m("30"),
    )


def test_clients_do_not_see_each_others_data(engine: Engine) -> None:
    source = _load(engine, client="acme")
    _import(
        engine,
        RecordKind.ORDERS,
        "customer_id,ordered_at,amount,platform\nz,2024-03-09,5,meta\n",
        client="other",
    )
    assert source.platform_ltv("other", Platform.META, lookback_days=30, as_of=T) == _m("5")
    assert (
        source.value_report("acme", lookback_days=30, as_of=T).platform(Platform.META).customers
        == 2
    )
    assert source.has_data("acme")
    assert not source.has_data("nobody")


def test_a_client_without_data_has_unknown_values_and_an_empty_baseline(engine: Engine) -> None:
    report = SqlValueSource(engine).value_report("nobody", lookback_days=90, as_of=T)
    assert all(v.ltv is None and v.cac is None for v in report.platforms)
    assert [v.platform for v in report.platforms] == list(Platform)
    baseline = report.baseline
    assert (baseline.orders, baseline.monthly_revenue, baseline.monthly_ad_spend) == (
        0,
        Money(0),
        Money(0),
    )
    assert baseline.avg_order_value is None
    assert baseline.baseline_churn is None


@dataclass
class Port:
    engine: Engine  # where the test imports the data the source reads
    source: ValueSource


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "grpc"])
def port(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Port]:
    if request.param == "grpc":
        with serving(tmp_path / "remote", clients=("acme", "other")) as remote:
            yield Port(remote.engine, GrpcValueSource(remote.service()))
        return
    engine = request.getfixturevalue(f"{request.param}_engine")
    yield Port(engine, SqlValueSource(engine))


def _port_values(
    source: ValueSource, client: str, as_of: datetime
) -> dict[Platform, tuple[Money | None, Money | None]]:
    return {
        p: (
            source.platform_ltv(client, p, lookback_days=30, as_of=as_of),
            source.platform_cac(client, p, lookback_days=30, as_of=as_of),
        )
        for p in Platform
    }


def test_the_port_answers_ltv_and_cac_by_the_definitions(port: Port) -> None:
    _load(port.engine)
    # The figures of test_cohorts_ltv_and_cac_follow_the_definitions, through the port.
    assert _port_values(port.source, "acme", T) == {
        Platform.META: (_m("30"), _m("350")),
        Platform.GOOGLE: (_m("3"), _m("0")),
        Platform.TIKTOK: (None, None),
        Platform.LINKEDIN: (_m("0"), _m("0")),
        Platform.AMAZON: (None, None),
        Platform.MICROSOFT: (_m("8"), _m("0")),
    }


def test_the_port_keeps_the_as_of_instant_to_the_microsecond(port: Port) -> None:
    _load(port.engine)
    # c7 was acquired at 23:59:59: in W when T is a microsecond later, not when T is that second.
    second = datetime(2024, 3, 31, 23, 59, 59, tzinfo=UTC)
    at = {"lookback_days": 30}
    assert port.source.platform_ltv("acme", Platform.LINKEDIN, as_of=second, **at) is None
    later = second + timedelta(microseconds=1)
    assert port.source.platform_ltv("acme", Platform.LINKEDIN, as_of=later, **at) == _m("0")


def test_the_port_rounds_money_divisions_half_to_even(port: Port) -> None:
    _import(
        port.engine,
        RecordKind.CUSTOMERS,
        "customer_id,platform,acquired_at\na,meta,2024-03-20\nb,meta,2024-03-21\n",
    )
    _import(port.engine, RecordKind.SPEND, "date,platform,spend\n2024-03-20,meta,0.000005\n")
    _import(
        port.engine, RecordKind.ORDERS, "customer_id,ordered_at,amount\na,2024-03-22,0.000003\n"
    )
    assert _port_values(port.source, "acme", T)[Platform.META] == (Money(2), Money(2))


def test_the_port_keeps_clients_apart(port: Port) -> None:
    _load(port.engine, client="acme")
    _import(
        port.engine,
        RecordKind.ORDERS,
        "customer_id,ordered_at,amount,platform\nz,2024-03-09,5,meta\n",
        client="other",
    )
    assert _port_values(port.source, "other", T)[Platform.META] == (_m("5"), _m("0"))
    assert _port_values(port.source, "acme", T)[Platform.META] == (_m("30"), _m("350"))


def test_measured_in_one_statement_is_the_report(engine: Engine) -> None:
    source = _load(engine)
    report = source.value_report("acme", lookback_days=30, as_of=T)
    assert source.measured("acme", lookback_days=30, as_of=T) == report.platforms
    assert source.measured("nobody", lookback_days=30, as_of=T) is None
    assert source.has_data("acme")
    assert not source.has_data("nobody")


def test_the_optimisers_batch_answers_what_each_platform_answers(engine: Engine) -> None:
    """ClientValues.platform_values (one read per cycle) against platform_ltv/platform_cac
    (two per platform), for a client with imported data and one without (the fallback)."""
    from kiki.application.values import ClientValues

    class Fallback:
        def platform_ltv(
            self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
        ) -> Money | None:
            del client_id, lookback_days, as_of
            return Money(1_000_000 * platform.rank)

        def platform_cac(
            self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
        ) -> Money | None:
            raise AssertionError("the fallback's CAC is never asked")

    values = ClientValues(_load(engine), Fallback())
    for client in ("acme", "nobody"):
        batch = values.platform_values(client, list(Platform), lookback_days=30, as_of=T)
        assert batch == {
            p: (
                values.platform_ltv(client, p, lookback_days=30, as_of=T),
                values.platform_cac(client, p, lookback_days=30, as_of=T),
            )
            for p in Platform
        }
