"""The seed's deployment: an App wired by settings takes LTV and CAC from a remote SyncValue,
records to a remote ledger and alerts through a remote notifier, all one real gRPC server on
loopback; and it refuses to start with a remote address but no API key."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from kiki.adapters.sql.engine import make_engine
from kiki.adapters.sql.importer import SqlValueImporter
from kiki.adapters.sql.ledger import SqlLedger
from kiki.bootstrap import build
from kiki.core.clock import SystemClock
from kiki.core.errors import ConfigurationError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.settings import Settings
from kiki.syncledger.ledger import TransferKind
from kiki.syncnotify.recording import RecordingNotifier
from kiki.syncvalue.domain.records import RecordKind
from kiki.syncvalue.services.import_csv import import_csv
from tests.contract.remote import Remote, serving


def import_history(remote: Remote, client_id: str) -> None:
    """The history of tests/e2e/test_cli_imported_values.py, ten days ago, at the remote."""
    day = (SystemClock().now() - timedelta(days=10)).date().isoformat()
    meta, tiktok = ["c1", "c2", "c3", "c4"], ["c5", "c6"]
    files = {
        RecordKind.CUSTOMERS: "customer_id,platform,acquired_at\n"
        + "".join(f"{c},meta,{day}\n" for c in meta)
        + "".join(f"{c},tiktok,{day}\n" for c in tiktok),
        RecordKind.ORDERS: "customer_id,ordered_at,amount\n"
        + "".join(f"{c},{day},100\n" for c in meta)
        + "".join(f"{c},{day},300\n" for c in tiktok),
        RecordKind.SPEND: f"date,platform,spend\n{day},meta,200\n{day},tiktok,100\n",
    }
    importer = SqlValueImporter(remote.engine)
    for kind, text in files.items():
        import_csv(kind, io.BytesIO(text.encode()), client_id=client_id, importer=importer)


def test_a_cycle_reads_ltv_records_and_alerts_through_the_remote_components(
    tmp_path: Path,
) -> None:
    with serving(tmp_path / "remote", clients=("acme",)) as remote:
        import_history(remote, "acme")
        settings = Settings(
            data_dir=tmp_path / "local",
            database_url=None,
            redis_url=None,
            syncvalue_addr=remote.address,
            ledger_addr=remote.address,
            notify_addr=remote.address,
            remote_api_key=remote.api_key,
        )
        clock = SystemClock()
        recorded = RecordingNotifier()
        app = build(settings, clock=clock, quiet=True, notifiers=[recorded])
        try:
            app.attach_client("acme", tenant_id=None, sandbox=True)
            report = app.run_cycle("acme")
            local = make_engine(settings.resolved_database_url())
            local_ledger = SqlLedger(local).transfers()
            local.dispose()
            local_alerts = list(recorded.alerts)
        finally:
            app.close()

        # LTV and CAC are the remote SyncValue's (the local one has no data for acme, so the
        # sandbox's LTV would have applied to all six platforms).
        assert report.plan is not None
        assert [(p.platform, p.ltv, p.cac) for p in report.plan.platforms] == [
            (Platform.META, Money.parse("100"), Money.parse("50")),
            (Platform.TIKTOK, Money.parse("300"), Money.parse("50")),
        ]
        [outcome] = report.outcomes
        assert (outcome.shift.source, outcome.shift.destination, outcome.shift.amount) == (
            Platform.META,
            Platform.TIKTOK,
            Money.parse("100"),
        )

        # The shift's transfers are in the remote ledger, and only there.
        remote_ledger = remote.services.ports.ledger.transfers(client_id="acme")
        assert [(t.shift_id, t.kind, t.amount) for t in remote_ledger] == [
            (outcome.shift_id, TransferKind.PENDING, Money.parse("100")),
            (outcome.shift_id, TransferKind.POSTED, Money.parse("100")),
        ]
        assert local_ledger == []

        # The alert reached the remote notifier whole, and the local recording one kept it too.
        [alert] = remote.alerts.alerts
        assert alert.title == "Budget shifted from Meta to TikTok"
        assert alert.client_id == "acme"
        assert alert.details["amount_micros"] == 100_000_000
        assert alert.details["shift_id"] == outcome.shift_id
        assert local_alerts == [alert]


@pytest.mark.parametrize("field", ["syncvalue_addr", "ledger_addr", "notify_addr"])
def test_a_remote_address_without_an_api_key_is_refused_naming_the_setting(
    tmp_path: Path, field: str
) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=None, remote_api_key=None, **{field: "127.0.0.1:9"}
    )
    with pytest.raises(
        ConfigurationError, match=rf"remote_api_key \(KIKI_REMOTE_API_KEY\).*{field}"
    ):
        build(settings, quiet=True)
    assert not (tmp_path / "kiki.sqlite3").exists()  # refused before touching the database


def test_the_remote_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCVALUE_ADDR", "values:50051")
    monkeypatch.setenv("KIKI_LEDGER_ADDR", "ledger:50051")
    monkeypatch.setenv("KIKI_NOTIFY_ADDR", "notify:50051")
    monkeypatch.setenv("KIKI_REMOTE_API_KEY", "kiki_test")
    monkeypatch.setenv("KIKI_REMOTE_TIMEOUT_S", "2.5")
    settings = Settings()
    assert (
        settings.syncvalue_addr,
        settings.ledger_addr,
        settings.notify_addr,
        settings.remote_api_key,
        settings.remote_timeout_s,
    ) == ("values:50051", "ledger:50051", "notify:50051", "kiki_test", 2.5)
