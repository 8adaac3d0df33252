"""The use cases as a tenant may call them: authenticated, scoped to its clients, and
idempotent where they change something. A thin wrapper: every method calls ``Services``."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any, TypeVar

from kiki.application.codec import Codec
from kiki.application.gate_services import without_sweep
from kiki.application.money_services import ClientView
from kiki.application.platform_services import Connected
from kiki.application.results import ClientAttached, ClientSettings, EfficiencyReport
from kiki.application.services import Services
from kiki.application.values import ValueAnswer
from kiki.campaigns.domain import Campaign
from kiki.campaigns.services import CampaignList
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.checks import PlatformCheck
from kiki.platforms.connections import Connection
from kiki.platforms.errors import CampaignNotFoundError, UnknownClientError
from kiki.syncflow.domain.client_state import ClientStatus
from kiki.syncflow.domain.report import CycleReport
from kiki.syncledger.ledger import IN_TRANSIT, ShiftRecord, Transfer, account_platform
from kiki.syncnotify.alert import Alert
from kiki.synctwin.domain.calibration import CalibrationReport
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.mirror import DecisionBatch, EventBatch
from kiki.synctwin.domain.simulation import SimulationResult
from kiki.synctwin.services.launch_campaign import LaunchOutcome
from kiki.synctwin.services.review import WeeklyReview
from kiki.synctwin.services.tune_threshold import ThresholdChange
from kiki.syncvalue.domain.definitions import Baseline as ValueBaseline
from kiki.tenancy.errors import ClientTakenError
from kiki.tenancy.keys import Tenant, check_client_id
from kiki.tenancy.services import (
    authenticate,
    fingerprint,
    require_client,
    require_operator,
    run_idempotent,
)

T = TypeVar("T")


class TenantServices:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._ports = services.ports

    def authenticate(self, authorization: str | None) -> Tenant:
        return authenticate(authorization, tenants=self._ports.tenants)

    def client(self, tenant: Tenant, client_id: str) -> str:
        """``client_id`` if it is the tenant's; ClientNotFoundError otherwise."""
        return require_client(tenant, client_id, directory=self._ports.directory)

    # -- clients -----------------------------------------------------------------------------
    def clients(self, tenant: Tenant) -> list[str]:
        return self.services.clients(tenant.tenant_id)

    def attach_client(
        self, tenant: Tenant, client_id: str, *, key: str
    ) -> tuple[ClientAttached, bool]:
        """Attach a new client id to the tenant and give it the six sandbox ad accounts.

        An id another tenant holds, or one with imported data, is the operator's to attach:
        both answer the same OperatorRequiredError, so a tenant cannot tell them apart (nor
        claim data imported for someone else)."""
        check_client_id(client_id)
        owner = self._ports.directory.owner(client_id)
        if owner != tenant.tenant_id and (
            owner is not None or self._ports.values.has_data(client_id)
        ):
            require_operator(tenant, f"attaching client id {client_id!r} (in use or with data)")
            if owner is not None:  # an operator key does not move a client between tenants
                raise ClientTakenError(f"client id {client_id!r} is taken")
        return self._idempotent(
            tenant,
            key,
            "open_client",
            request={"client_id": client_id},
            action=lambda: self.services.attach_client(
                client_id, tenant_id=tenant.tenant_id, sandbox=True
            ),
            kind=ClientAttached,
        )

    # -- SyncFlow ----------------------------------------------------------------------------
    def latest_efficiency(self, tenant: Tenant, client_id: str) -> EfficiencyReport | None:
        return self.services.latest_efficiency(self.client(tenant, client_id))

    def efficiency(self, tenant: Tenant, client_id: str, *, refresh: bool) -> EfficiencyReport:
        return self.services.efficiency(self.client(tenant, client_id), refresh=refresh)

    def run_cycle(
        self, tenant: Tenant, client_id: str, *, dry_run: bool, key: str | None
    ) -> tuple[CycleReport, bool]:
        """A dry run needs no key; applying one moves money and needs an Idempotency-Key."""
        client_id = self.client(tenant, client_id)
        if dry_run:
            return self.services.run_cycle(client_id, dry_run=True), False
        return self._idempotent(
            tenant,
            _required(key, "to apply a cycle"),
            "run_cycle",
            request={"client_id": client_id},
            action=lambda: self.services.run_cycle(client_id),
            kind=CycleReport,
        )

    def reallocations(self, tenant: Tenant, client_id: str) -> list[ShiftRecord]:
        return self.services.reallocations(self.client(tenant, client_id))

    def transfers(
        self, tenant: Tenant, client_id: str | None, *, since: datetime | None
    ) -> list[Transfer]:
        """One client's transfers, or all the tenant's clients' in the ledger's order."""
        ledger = self._ports.ledger
        if client_id:
            return ledger.transfers(client_id=self.client(tenant, client_id), since=since)
        mine = set(self.clients(tenant))
        return [t for t in ledger.transfers(since=since) if t.client_id in mine]

    def record_transfer(self, tenant: Tenant, transfer: Transfer) -> bool:
        """Record a transfer sent from outside; where this process knows the client's platforms,
        its accounts must be theirs (or transit): InvalidInputError naming the field otherwise.
        (A SyncLedger deployed on its own knows no platforms: the accounts' form is checked.)
        Its ids live in the client's own namespace (``{client_id}/…``, as the cycle's are), so
        another tenant's ids can neither collide with the caller's nor be probed for."""
        client_id = self.client(tenant, transfer.client_id)
        try:
            held: set[Platform] | None = set(self._ports.gateway.platforms(client_id))
        except UnknownClientError:
            held = None
        for name in ("source", "destination", "bound_for"):
            account = getattr(transfer, name)
            if held is None or account is None or account == IN_TRANSIT:
                continue
            if account_platform(account) not in held:
                raise InvalidInputError(name, f"{account!r} is not an account of {client_id}")
        _in_namespace(transfer, client_id)
        return self._ports.ledger.record(transfer)

    def send_alert(self, tenant: Tenant, alert: Alert) -> None:
        """An alert about one of the tenant's clients; one about no client reaches the
        operator's channels, so it needs an operator key."""
        if alert.client_id is not None:
            self.client(tenant, alert.client_id)
        else:
            require_operator(tenant, "an alert about no client")
        self._ports.notifier.send(alert)

    def settings(self, tenant: Tenant, client_id: str) -> ClientSettings:
        return self.services.settings(self.client(tenant, client_id))

    def change_settings(
        self, tenant: Tenant, client_id: str, body: Mapping[str, Any], *, key: str | None
    ) -> tuple[ClientSettings, bool]:
        client_id = self.client(tenant, client_id)
        key = _required(key, "to change settings")
        # Parse before claiming the key, so that bad input changes nothing, not even that.
        self.services.validate_settings(client_id, body)
        return self._idempotent(
            tenant,
            key,
            "change_settings",
            request={"client_id": client_id, "body": dict(body)},
            action=lambda: self.services.change_settings(client_id, body),
            kind=ClientSettings,
        )

    # -- SyncTwin ----------------------------------------------------------------------------
    def simulate(
        self,
        tenant: Tenant,
        client_id: str,
        strategy: Strategy,
        baseline: Baseline | None,
        *,
        seed: int | None,
    ) -> SimulationResult:
        return self.services.simulate(
            strategy, baseline, client_id=self.client(tenant, client_id), seed=seed
        )

    def launch(
        self, tenant: Tenant, client_id: str, strategy: Strategy, *, key: str | None
    ) -> tuple[LaunchOutcome, bool]:
        client_id = self.client(tenant, client_id)
        return self._idempotent(
            tenant,
            _required(key, "to launch a campaign"),
            "launch_campaign",
            request={"client_id": client_id, "strategy": strategy.to_dict()},
            action=lambda: self.services.launch(client_id, strategy),
            kind=LaunchOutcome,
        )

    # -- SyncTwin: the gate learning from its outcomes ---------------------------------------
    def gate_calibration(self, tenant: Tenant, client_id: str) -> CalibrationReport:
        return self.services.gate_calibration(self.client(tenant, client_id))

    def gate_tuning(self, tenant: Tenant, client_id: str) -> ThresholdChange:
        return self.services.tune_gate(self.client(tenant, client_id))

    def gate_review(self, tenant: Tenant, client_id: str, *, since: str | None) -> WeeklyReview:
        return self.services.gate_review(self.client(tenant, client_id), since=since)

    def apply_gate_threshold(
        self, tenant: Tenant, client_id: str, *, key: str | None
    ) -> tuple[ThresholdChange, bool]:
        """Tune and store the client's threshold; kept without the sweep (GET tuning has it)."""
        client_id = self.client(tenant, client_id)
        return self._idempotent(
            tenant,
            _required(key, "to apply a gate threshold"),
            "apply_gate_threshold",
            request={"client_id": client_id},
            action=lambda: without_sweep(self.services.tune_gate(client_id, apply=True)),
            kind=ThresholdChange,
        )

    # -- SyncValue ---------------------------------------------------------------------------
    def value_report(
        self, tenant: Tenant, client_id: str, *, lookback_days: int, as_of: datetime | None
    ) -> ValueAnswer:
        return self.services.value_report(
            self.client(tenant, client_id), lookback_days=lookback_days, as_of=as_of
        )

    def value_baseline(
        self, tenant: Tenant, client_id: str, *, lookback_days: int, as_of: datetime | None
    ) -> ValueBaseline:
        return self.services.value_baseline(
            self.client(tenant, client_id), lookback_days=lookback_days, as_of=as_of
        )

    def platform_value(
        self,
        tenant: Tenant,
        client_id: str,
        platform: Platform,
        *,
        what: str,
        lookback_days: int,
        as_of: datetime | None,
    ) -> Money | None:
        return self.services.platform_value(
            self.client(tenant, client_id),
            platform,
            what=what,
            lookback_days=lookback_days,
            as_of=as_of,
        )

    # -- client states ---------------------------------------------------------------------
    def client_states(self, tenant: Tenant) -> list[ClientStatus]:
        mine = set(self.clients(tenant))
        return [s for s in self.services.client_states() if s.client_id in mine]

    def client_view(self, tenant: Tenant, client_id: str) -> ClientView:
        return self.services.show_client(self.client(tenant, client_id))

    def pause_client(
        self, tenant: Tenant, client_id: str, *, note: str | None, key: str | None
    ) -> tuple[ClientStatus, bool]:
        client_id = self.client(tenant, client_id)
        return self._idempotent(
            tenant,
            _required(key, "to pause a client"),
            "pause_client",
            request={"client_id": client_id, "note": note},
            action=lambda: self.services.pause_client(client_id, note=note),
            kind=ClientStatus,
        )

    def resume_client(
        self, tenant: Tenant, client_id: str, *, note: str | None, key: str | None
    ) -> tuple[ClientStatus, bool]:
        client_id = self.client(tenant, client_id)
        return self._idempotent(
            tenant,
            _required(key, "to resume a client"),
            "resume_client",
            request={"client_id": client_id, "note": note},
            action=lambda: self.services.resume_client(client_id, note=note),
            kind=ClientStatus,
        )

    # -- the real-to-sim mirror ----------------------------------------------------------------
    def mirror_events(
        self, tenant: Tenant, events: EventBatch, *, clients: Collection[str] | None = None
    ) -> DecisionBatch:
        """Decide a batch; campaigns of other tenants' clients answer UNKNOWN_CAMPAIGN.
        ``clients``: the tenant's, as the caller read them lately (else read now)."""
        mine = self.clients(tenant) if clients is None else clients
        return self.services.mirror_events(events, clients=mine)

    # -- campaigns ---------------------------------------------------------------------------
    def campaigns(self, tenant: Tenant, client_id: str) -> CampaignList:
        return self.services.campaigns(self.client(tenant, client_id))

    def pause_campaign(
        self,
        tenant: Tenant,
        client_id: str,
        campaign_id: str,
        *,
        note: str | None,
        key: str | None,
    ) -> tuple[Campaign, bool]:
        return self._campaign_change(
            tenant, client_id, campaign_id, action="pause", note=note, key=key
        )

    def resume_campaign(
        self,
        tenant: Tenant,
        client_id: str,
        campaign_id: str,
        *,
        note: str | None,
        key: str | None,
    ) -> tuple[Campaign, bool]:
        return self._campaign_change(
            tenant, client_id, campaign_id, action="resume", note=note, key=key
        )

    def _campaign_change(
        self,
        tenant: Tenant,
        client_id: str,
        campaign_id: str,
        *,
        action: str,
        note: str | None,
        key: str | None,
    ) -> tuple[Campaign, bool]:
        client_id = self.client(tenant, client_id)
        if self.services.campaign_client(campaign_id) != client_id:
            raise CampaignNotFoundError(campaign_id)  # another client's looks like none
        change = (
            self.services.pause_campaign if action == "pause" else self.services.resume_campaign
        )
        return self._idempotent(
            tenant,
            _required(key, f"to {action} a campaign"),
            f"{action}_campaign",
            request={"client_id": client_id, "campaign_id": campaign_id, "note": note},
            action=lambda: change(campaign_id, note=note),
            kind=Campaign,
        )

    # -- platform connections ----------------------------------------------------------------
    def connections(self, tenant: Tenant, client_id: str) -> list[Connection]:
        return self.services.connections(self.client(tenant, client_id))

    def connect(
        self,
        tenant: Tenant,
        client_id: str,
        platform: Platform | str,
        *,
        adapter: str,
        account: str,
        credentials: str | None,
        key: str | None,
    ) -> tuple[Connected, bool]:
        client_id = self.client(tenant, client_id)
        platform = Platform.parse(platform)
        return self._idempotent(
            tenant,
            _required(key, "to connect a platform"),
            "connect_platform",
            request={
                "client_id": client_id,
                "platform": platform.value,
                "adapter": adapter,
                "account": account,
                "credentials": credentials,
            },
            action=lambda: self.services.connect(
                client_id, platform, adapter=adapter, account=account, credentials=credentials
            ),
            kind=Connected,
        )

    def disconnect(
        self, tenant: Tenant, client_id: str, platform: Platform | str, *, key: str | None
    ) -> tuple[Connection, bool]:
        client_id = self.client(tenant, client_id)
        platform = Platform.parse(platform)
        return self._idempotent(
            tenant,
            _required(key, "to disconnect a platform"),
            "disconnect_platform",
            request={"client_id": client_id, "platform": platform.value},
            action=lambda: self.services.disconnect(client_id, platform),
            kind=Connection,
        )

    def check_platforms(self, tenant: Tenant, client_id: str) -> PlatformCheck:
        return self.services.check_platforms(self.client(tenant, client_id))

    # -- internals ---------------------------------------------------------------------------
    def _idempotent(
        self,
        tenant: Tenant,
        key: str,
        operation: str,
        *,
        request: Mapping[str, Any],
        action: Callable[[], T],
        kind: type[T],
    ) -> tuple[T, bool]:
        codec: Codec[T] = Codec(kind)
        return run_idempotent(
            tenant,
            key,
            fingerprint(operation, request),
            action,
            encode=codec.encode,
            decode=codec.decode,
            store=self._ports.idempotency,
            clock=self._ports.clock,
        )


def _required(key: str | None, purpose: str) -> str:
    if key is None:
        raise InvalidInputError("Idempotency-Key", f"is required {purpose}")
    return key


def _in_namespace(transfer: Transfer, client_id: str) -> None:
    """A transfer's ids (and the one it corrects) must begin with ``{client_id}/``."""
    prefix = f"{client_id}/"
    for name in ("transfer_id", "shift_id", "corrects"):
        value = getattr(transfer, name)
        if value is not None and not value.startswith(prefix):
            raise InvalidInputError(name, f"must begin with {prefix!r} (the client's namespace)")
