"""Where values come from per client: SyncValue's imported data when the client has any.

A client whose customers, orders and spend were imported gets LTV, CAC and its baseline from
SyncValue; one with nothing imported keeps the sandbox's LTV, the gateway's CAC and a baseline
recorded by hand (``kiki twin baseline``).
"""

from __future__ import annotations

from datetime import datetime

from kiki.adapters.sql.value_source import SqlValueSource
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox_values import SandboxValueSource
from kiki.synctwin.domain.inputs import Baseline
from kiki.synctwin.ports import BaselineSource


class ImportedOrSandboxValues:
    """SyncFlow's ValueSource: SyncValue for clients with imported data, else the sandbox."""

    def __init__(self, imported: SqlValueSource, fallback: SandboxValueSource) -> None:
        self._imported = imported
        self._fallback = fallback

    def platform_ltv(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        source = self._imported if self._imported.has_data(client_id) else self._fallback
        return source.platform_ltv(client_id, platform, lookback_days=lookback_days, as_of=as_of)

    def platform_cac(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        if not self._imported.has_data(client_id):
            return None  # the gateway's own CAC applies
        return self._imported.platform_cac(
            client_id, platform, lookback_days=lookback_days, as_of=as_of
        )


class ImportedOrRecordedBaselines:
    """SyncTwin's BaselineSource: SyncValue's baseline when it has orders, else the recorded one."""

    def __init__(self, imported: SqlValueSource, recorded: BaselineSource) -> None:
        self._imported = imported
        self._recorded = recorded

    def baseline(self, client_id: str, *, lookback_days: int, as_of: datetime) -> Baseline | None:
        if self._imported.has_data(client_id):
            measured = self._imported.baseline(client_id, lookback_days=lookback_days, as_of=as_of)
            if measured.avg_order_value is not None and measured.avg_order_value.micros > 0:
                return Baseline(
                    avg_order_value=measured.avg_order_value,
                    monthly_revenue=measured.monthly_revenue,
                    monthly_ad_spend=measured.monthly_ad_spend,
                )
        return self._recorded.baseline(client_id, lookback_days=lookback_days, as_of=as_of)
