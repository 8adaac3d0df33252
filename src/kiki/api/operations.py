"""What the HTTP and gRPC entrypoints do, once: authenticate, scope to the tenant, call a
service, and answer a JSON-ready view. Both entrypoints render these views in their own way.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from kiki.api import inputs, views
from kiki.bootstrap import App
from kiki.core.errors import InvalidInputError
from kiki.core.platform import Platform
from kiki.syncflow.errors import CycleInProgressError
from kiki.syncflow.services.run_optimization_cycle import CycleReport, CycleStatus
from kiki.syncledger.ledger import summarize_shifts
from kiki.synctwin import Baseline as TwinBaseline
from kiki.synctwin import CampaignRejectedError, SimulationResult, Strategy, simulate
from kiki.syncvalue.views import baseline_view, ltv_view
from kiki.tenancy.keys import Tenant, check_client_id
from kiki.tenancy.services import authenticate, fingerprint, require_client, run_idempotent

# Another process (the CLI, a second replica) may hold a client's lock for a moment.
_LOCKED_RETRIES = 50
_LOCKED_PAUSE_S = 0.02


class Operations:
    """The service's use cases for one built App; thread-safe (the entrypoints are threaded)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._client_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    # -- tenants and clients ---------------------------------------------------------
    def authenticate(self, authorization: str | None) -> Tenant:
        return authenticate(authorization, tenants=self.app.tenants)

    def client(self, tenant: Tenant, client_id: str) -> str:
        """``client_id`` if it is the tenant's; ClientNotFoundError otherwise."""
        return require_client(tenant, client_id, directory=self.app.directory)

    def list_clients(self, tenant: Tenant) -> dict[str, Any]:
        return {"clients": self.app.directory.clients(tenant.tenant_id)}

    def open_client(
        self, tenant: Tenant, client_id: str, *, key: str
    ) -> tuple[dict[str, Any], bool]:
        """Attach a new client id to the tenant and give it the six sandbox ad accounts."""
        check_client_id(client_id)

        def action() -> dict[str, Any]:
            self.app.directory.attach(tenant.tenant_id, client_id, now=self.app.clock.now())
            self.app.open_sandbox_client(client_id)
            return {"client_id": client_id, "platforms": self._platform_names(client_id)}

        return self.idempotent(tenant, key, "open_client", {"client_id": client_id}, action)

    # -- SyncFlow --------------------------------------------------------------------
    def budget_efficiency(self, tenant: Tenant, client_id: str) -> dict[str, Any]:
        return views.budget_efficiency(self.efficiency_report(tenant, client_id))

    def efficiency_report(self, tenant: Tenant, client_id: str) -> CycleReport:
        """A dry-run cycle: the efficiencies as the optimiser sees them now."""
        return self.cycle(self.client(tenant, client_id), dry_run=True)

    def run_cycle(
        self, tenant: Tenant, client_id: str, *, dry_run: bool, key: str | None
    ) -> tuple[dict[str, Any], bool]:
        """A dry run needs no key; applying one moves money and needs an Idempotency-Key."""
        client_id = self.client(tenant, client_id)
        if dry_run:
            return views.cycle(self.cycle(client_id, dry_run=True)), False
        if key is None:
            raise InvalidInputError("Idempotency-Key", "is required to apply a cycle")
        return self.idempotent(
            tenant,
            key,
            "run_cycle",
            {"client_id": client_id},
            lambda: views.cycle(self.cycle(client_id, dry_run=False)),
        )

    def cycle(self, client_id: str, *, dry_run: bool) -> CycleReport:
        """One cycle; concurrent appliers in this process queue on the client instead of
        bouncing off its lock (the scheduler and API applies share this path). A dry run takes
        no lock at all."""
        if dry_run:
            return self.app.run_cycle(client_id, dry_run=True)
        with self._locks_guard:
            local = self._client_locks[client_id]
        with local:
            for _ in range(_LOCKED_RETRIES):
                report = self.app.run_cycle(client_id, dry_run=dry_run)
                if report.status is not CycleStatus.LOCKED:
                    return report
                self.app.clock.sleep(_LOCKED_PAUSE_S)
        raise CycleInProgressError(f"another optimisation cycle for {client_id!r} is running")

    def reallocations(self, tenant: Tenant, client_id: str) -> dict[str, Any]:
        client_id = self.client(tenant, client_id)
        shifts = summarize_shifts(self.app.ledger.transfers(client_id=client_id))
        return {"client_id": client_id, "reallocations": [views.shift(s) for s in shifts]}

    def get_settings(self, tenant: Tenant, client_id: str) -> dict[str, Any]:
        client_id = self.client(tenant, client_id)
        return views.settings(client_id, self.app.configs.get(client_id))

    def change_settings(
        self, tenant: Tenant, client_id: str, body: Mapping[str, Any], *, key: str | None
    ) -> tuple[dict[str, Any], bool]:
        client_id = self.client(tenant, client_id)
        if key is None:
            raise InvalidInputError("Idempotency-Key", "is required to change settings")
        # Parse before claiming the key, so that bad input changes nothing, not even that.
        config = inputs.settings_patch(body, self.app.configs.get(client_id))

        def action() -> dict[str, Any]:
            self.app.configs.put(client_id, config, now=self.app.clock.now())
            return views.settings(client_id, self.app.configs.get(client_id))

        return self.idempotent(
            tenant, key, "change_settings", {"client_id": client_id, "body": dict(body)}, action
        )

    # -- internals -------------------------------------------------------------------
    def _platform_names(self, client_id: str) -> list[str]:
        return [p.value for p in self.app.market.platforms(client_id)]

    def idempotent(
        self,
        tenant: Tenant,
        key: str,
        operation: str,
        request: Mapping[str, Any],
        action: Callable[[], dict[str, Any]],
    ) -> tuple[dict[str, Any], bool]:
        return run_idempotent(
            tenant,
            key,
            fingerprint(operation, request),
            action,
            store=self.app.idempotency,
            clock=self.app.clock,
        )


class TwinAndValueOperations:
    """SyncTwin's gate and SyncValue's numbers, scoped to the caller's clients."""

    def __init__(self, ops: Operations) -> None:
        self.ops = ops
        self.app = ops.app

    def simulate(
        self,
        tenant: Tenant,
        client_id: str,
        strategy: Strategy,
        baseline: TwinBaseline | None,
        *,
        seed: int | None,
    ) -> SimulationResult:
        """Simulate on the given baseline, or on the client's own (SyncValue or recorded)."""
        client_id = self.ops.client(tenant, client_id)
        settings = self.app.settings
        if baseline is None:
            return self.app.gatekeeper().evaluate(strategy, client_id, seed=seed)[0]
        started = self.app.clock.monotonic()
        result = simulate(
            strategy,
            baseline,
            simulations=settings.simulations,
            variance=settings.variance,
            seed=seed,
            threshold=settings.confidence_threshold,
        )
        self.app.metrics.observe_simulation(
            settings.simulations, self.app.clock.monotonic() - started
        )
        return result

    def launch(
        self, tenant: Tenant, client_id: str, strategy: Strategy, *, key: str | None
    ) -> tuple[dict[str, Any], bool]:
        """A rejection is an answer (approved false, the seed's message), not an error."""
        client_id = self.ops.client(tenant, client_id)
        if key is None:
            raise InvalidInputError("Idempotency-Key", "is required to launch a campaign")

        def action() -> dict[str, Any]:
            try:
                launched = self.app.launch_campaign(client_id, strategy)
            except CampaignRejectedError as rejected:
                return {
                    "approved": False,
                    "campaign_id": None,
                    "decision_id": rejected.decision_id,
                    "message": str(rejected),
                    "simulation": rejected.result.to_dict(),
                }
            return {
                "approved": True,
                "campaign_id": launched.campaign_id,
                "decision_id": launched.decision_id,
                "message": "approved and launched",
                "simulation": launched.result.to_dict(),
            }

        request = {"client_id": client_id, "strategy": strategy.to_dict()}
        return self.ops.idempotent(tenant, key, "launch_campaign", request, action)

    def ltv(
        self,
        tenant: Tenant,
        client_id: str,
        *,
        platform: Platform | None,
        lookback_days: int,
        as_of: datetime | None,
    ) -> dict[str, Any]:
        client_id = self.ops.client(tenant, client_id)
        report = self.app.value_source.value_report(
            client_id, lookback_days=lookback_days, as_of=as_of or self.app.clock.now()
        )
        return ltv_view(report, platform=platform)

    def baseline(
        self, tenant: Tenant, client_id: str, *, lookback_days: int, as_of: datetime | None
    ) -> dict[str, Any]:
        client_id = self.ops.client(tenant, client_id)
        baseline = self.app.value_source.baseline(
            client_id, lookback_days=lookback_days, as_of=as_of or self.app.clock.now()
        )
        return baseline_view(baseline)
