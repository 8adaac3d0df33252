"""A change a platform has not confirmed answers HTTP 202 ``pending_confirmation``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiki.core.platform import Platform
from tests.unit.api.conftest import Service, build_service


@pytest.fixture
def csv_service(tmp_path: Path) -> Iterator[Service]:
    exports, changes = tmp_path / "exports", tmp_path / "changes"
    yield from build_service(tmp_path, csv_exports_dir=exports, csv_changes_dir=changes)


def test_a_pause_through_a_csv_account_is_202_pending_confirmation(
    csv_service: Service, tmp_path: Path
) -> None:
    service = csv_service
    folder = tmp_path / "exports" / "tiktok" / "acme-tiktok"
    folder.mkdir(parents=True)
    today = service.clock.now().date().isoformat()
    (folder / "report.csv").write_text(
        "Date,Campaign ID,Campaign name,Primary status,Budget,Cost\n"
        f"{today},7001,Spring,Active,40,3.50\n"
    )
    service.services.connect("acme-shop", Platform.TIKTOK, adapter="csv", account="acme-tiktok")
    listed = service.http.get("/v1/clients/acme-shop/campaigns", headers=service.auth())
    assert listed.status_code == 200, listed.text
    headers = {**service.auth(), "Idempotency-Key": "pause-csv-1"}
    path = "/v1/clients/acme-shop/campaigns/7001/pause"
    answer = service.http.post(path, json={"reason": "review"}, headers=headers)
    assert answer.status_code == 202, answer.text
    assert answer.json()["error"] == "pending_confirmation"
    assert "not yet confirmed" in answer.json()["message"]
    written = (tmp_path / "changes" / "tiktok" / "acme-tiktok.csv").read_text()
    assert ",status,ACTIVE,PAUSED," in written
    again = service.http.post(path, json={"reason": "review"}, headers=headers)
    assert again.status_code == 202
    assert (tmp_path / "changes" / "tiktok" / "acme-tiktok.csv").read_text() == written
