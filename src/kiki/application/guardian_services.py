"""MarginGuardian's use cases: a pass over every client (or one), and a client's thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from kiki.application.base import ServicesBase
from kiki.core.errors import ConfigurationError, InvalidInputError
from kiki.platforms.errors import UnknownClientError
from kiki.settings import Settings
from kiki.syncflow.domain.guardian.report import GuardReport
from kiki.syncflow.domain.guardian.rules import GuardRule, parse_rules
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds
from kiki.syncflow.services.guard_campaigns import GuardWindows, guard_client
from kiki.syncshield.chain import AuditEvent

GUARDIAN_SETTINGS_CHANGED = "GUARDIAN_SETTINGS_CHANGED"
_LEASE_TTL_S = 300.0


class GuardianServices(ServicesBase):
    def guardian_rules(self) -> frozenset[GuardRule]:
        """The rules in force (``KIKI_GUARDIAN_RULES``)."""
        try:
            return parse_rules(self.ports.settings.guardian_rules)
        except InvalidInputError as exc:
            raise ConfigurationError(f"KIKI_GUARDIAN_RULES: {exc.rule}") from None

    def run_guardian(self, client_id: str | None = None) -> list[GuardReport]:
        """One pass over the client, or over every client KIKI knows. A client whose pass
        holds its lease elsewhere (another process) is left for the next tick."""
        clients = [self.require_client(client_id)] if client_id else self.guarded_clients()
        reports = []
        for client in clients:
            try:
                report = self._guard(client)
            except UnknownClientError:
                continue
            if report is not None:
                reports.append(report)
        return reports

    def guarded_clients(self) -> list[str]:
        known = {c.state.client_id for c in self.ports.campaigns.known()}
        return sorted(known | set(self.ports.directory.clients()))

    def _guard(self, client_id: str) -> GuardReport | None:
        p = self.ports
        # The guardian's own lease, apart from the cycle's: a pass and a cycle may overlap.
        lease = p.leases.acquire(f"guardian:{client_id}", ttl_s=_LEASE_TTL_S, now=p.clock.now())
        if lease is None:
            return None
        try:
            return guard_client(
                client_id,
                gateway=p.gateway,
                values=self.values,
                thresholds=p.guardian_settings.get(client_id),
                rules=self.guardian_rules(),
                memory=p.guardian_memory,
                book=p.campaigns,
                audit=p.audit,
                notifier=p.notifier,
                metrics=p.metrics,
                clock=p.clock,
                windows=GuardWindows(
                    p.settings.guardian_price_window_s, p.settings.guardian_funnel_window_s
                ),
            )
        finally:
            p.leases.release(lease)

    def guardian_thresholds(self, client_id: str) -> GuardianThresholds:
        return self.ports.guardian_settings.get(self.require_client(client_id))

    def change_guardian_thresholds(
        self, client_id: str, changes: Mapping[str, object]
    ) -> GuardianThresholds:
        """Apply ``changes`` (threshold names to values); audited. Bad input changes nothing."""
        p = self.ports
        current = self.guardian_thresholds(client_id)
        updated = thresholds_patch(current, changes)
        now: datetime = p.clock.now()
        p.guardian_settings.put(client_id, updated, now=now)
        p.audit.append(
            AuditEvent(
                GUARDIAN_SETTINGS_CHANGED, now, client_id, metadata={"changes": dict(changes)}
            )
        )
        return p.guardian_settings.get(client_id)


def thresholds_patch(
    current: GuardianThresholds, changes: Mapping[str, object]
) -> GuardianThresholds:
    kinds = {f.name: f.type for f in fields(GuardianThresholds)}
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in kinds:
            raise InvalidInputError(name, f"unknown threshold (known: {', '.join(kinds)})")
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidInputError(name, "must be a number")
        try:
            number = float(value)
        except ValueError:
            raise InvalidInputError(name, f"{value!r} is not a number") from None
        whole = kinds[name] in ("int", int)
        if whole and number != int(number):
            raise InvalidInputError(name, "must be a whole number")
        values[name] = int(number) if whole else number
    return replace(current, **values)


def guardian_defaults(settings: Settings) -> GuardianThresholds:
    """The thresholds of clients that set none: the settings' values."""
    s = settings
    return GuardianThresholds(
        gross_margin=s.guardian_gross_margin,
        margin_floor=s.guardian_margin_floor,
        min_conversions=s.guardian_min_conversions,
        min_price_impressions=s.guardian_min_price_impressions,
        confirm_ticks=s.guardian_confirm_ticks,
        cvr_drop=s.guardian_cvr_drop,
        cvr_cusum_h=s.guardian_cvr_cusum_h,
        overrun_ratio=s.guardian_overrun_ratio,
        unreadable_strikes=s.guardian_unreadable_strikes,
        bid_step=s.guardian_bid_step,
    )
