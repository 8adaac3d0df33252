"""Clients, the sandbox's controls, the audit trail, tenants and the service's own health."""

from __future__ import annotations

from kiki.application.base import ServicesBase
from kiki.application.results import ClientAttached
from kiki.core.errors import ConfigurationError
from kiki.platforms.errors import UnknownClientError
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.ports import FaultInjector, SandboxControls
from kiki.syncshield.chain import AuditEntry, ChainReport
from kiki.tenancy.keys import IssuedKey, TenantSummary, check_tenant_name
from kiki.tenancy.services import create_tenant, issue_key


class AdminServices(ServicesBase):
    def attach_client(
        self, client_id: str, *, tenant_id: str | None, sandbox: bool
    ) -> ClientAttached:
        """Attach to a tenant (when given) and open sandbox accounts (when asked; an existing
        sandbox client keeps its accounts)."""
        p = self.ports
        if tenant_id is not None:
            p.directory.attach(tenant_id, client_id, now=p.clock.now())
        opened = False
        if sandbox:
            opened = self._sandbox().open_client(client_id, demo_accounts())
            self._remember_sandbox_campaigns(client_id)
        try:
            platforms = tuple(p.gateway.platforms(client_id))
        except UnknownClientError:
            platforms = ()
        return ClientAttached(client_id, tenant_id, platforms, opened)

    def _remember_sandbox_campaigns(self, client_id: str) -> None:
        """Keep the campaigns a sandbox client opened with, so that every client-wide pass
        (the guardian, the chaos suite, ``campaigns list``) knows the client."""
        p = self.ports
        view = self._sandbox().show(client_id, window_s=3600.0)
        for campaign in view.campaigns:
            p.campaigns.remember(campaign.state, at=p.clock.now())

    def clients(self, tenant_id: str | None = None) -> list[str]:
        return self.ports.directory.clients(tenant_id)

    def sandbox(self) -> SandboxControls:
        return self._sandbox()

    def faults(self) -> FaultInjector:
        if self.ports.faults is None:
            raise ConfigurationError("outages can be injected only into the sandbox")
        return self.ports.faults

    def _sandbox(self) -> SandboxControls:
        if self.ports.sandbox is None:
            raise ConfigurationError(
                "the sandbox is not configured (KIKI_PLATFORMS does not include sandbox)"
            )
        return self.ports.sandbox

    def audit_entries(self, client_id: str | None = None) -> list[AuditEntry]:
        if client_id is not None:
            self.require_client(client_id)
        return self.ports.audit.entries(client_id=client_id)

    def verify_audit(self) -> ChainReport:
        return self.ports.audit.verify()

    def create_tenant(self, name: str) -> IssuedKey:
        return create_tenant(name, tenants=self.ports.tenants, clock=self.ports.clock)

    def issue_key(self, name: str, *, operator: bool = False) -> IssuedKey:
        return issue_key(
            check_tenant_name(name),
            tenants=self.ports.tenants,
            clock=self.ports.clock,
            operator=operator,
        )

    def revoke_keys(self, name: str, *, key_id: str | None = None) -> int:
        return self.ports.tenants.revoke(
            check_tenant_name(name), key_id=key_id, now=self.ports.clock.now()
        )

    def tenants(self) -> list[TenantSummary]:
        return self.ports.tenants.summaries()

    def readiness(self) -> dict[str, bool]:
        return {name: probe() for name, probe in self.ports.probes.items()}

    def close(self) -> None:
        for close in self.ports.closers:
            close()
