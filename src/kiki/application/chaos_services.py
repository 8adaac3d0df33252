"""The chaos suite's use cases: over live clients (copied first, then never called again), or
over random campaign states."""

from __future__ import annotations

from collections.abc import Sequence

from kiki.application.base import ServicesBase
from kiki.application.guardian_services import GuardianServices, guardian_defaults
from kiki.core.errors import InvalidInputError
from kiki.platforms.errors import UnknownClientError
from kiki.synctwin.chaos.copies import CampaignCopy, ClientCopy, copy_client
from kiki.synctwin.chaos.ports import ScenarioPlan
from kiki.synctwin.chaos.random_states import random_copies
from kiki.synctwin.chaos.results import ChaosReport
from kiki.synctwin.chaos.suite import day_start_of, run_chaos_suite

MAX_RANDOM = 100_000


class ChaosServices(GuardianServices, ServicesBase):
    def run_chaos(self, client_id: str | None = None) -> ChaosReport:
        """The seed's four tests on its test campaign and on a copy of every active campaign
        of the client (or of every client); audited, counted, alerted on failure."""
        p = self.ports
        clients = [self.require_client(client_id)] if client_id else self.guarded_clients()
        now = p.clock.now()
        copies: list[ClientCopy] = []
        for client in clients:
            try:
                copies.append(
                    copy_client(
                        client,
                        gateway=p.gateway,
                        values=self.values,
                        book=p.campaigns,
                        thresholds=p.guardian_settings.get(client),
                        at=now,
                        funnel_window_s=p.settings.guardian_funnel_window_s,
                    )
                )
            except UnknownClientError:
                continue
        return self._suite(copies, client_id=client_id)

    def run_chaos_random(self, count: int, *, seed: int) -> ChaosReport:
        """The scenarios over ``count`` random campaign states (and the seed's campaign)."""
        if not 1 <= count <= MAX_RANDOM:
            raise InvalidInputError("random", f"must be between 1 and {MAX_RANDOM}")
        day = day_start_of(self.ports.clock.now())
        extra = random_copies(
            count, seed=seed, thresholds=guardian_defaults(self.ports.settings), day_start=day
        )
        return self._suite([], extra=extra)

    def chaos_plan(self) -> ScenarioPlan:
        s = self.ports.settings
        return ScenarioPlan(
            rules=self.guardian_rules(),
            day_start=day_start_of(self.ports.clock.now()),
            interval_s=s.guardian_interval_s,
            price_window_s=s.guardian_price_window_s,
            funnel_window_s=s.guardian_funnel_window_s,
        )

    def _suite(
        self,
        copies: list[ClientCopy],
        *,
        client_id: str | None = None,
        extra: Sequence[CampaignCopy] = (),
    ) -> ChaosReport:
        p = self.ports
        return run_chaos_suite(
            copies,
            plan=self.chaos_plan(),
            seed_thresholds=guardian_defaults(p.settings),
            worlds=p.twins,
            fanout=p.chaos_fanout,
            extra=extra,
            audit=p.audit,
            notifier=p.notifier,
            metrics=p.metrics,
            clock=p.clock,
            client_id=client_id,
        )
