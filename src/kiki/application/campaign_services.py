"""Campaign use cases: list a client's campaigns, pause and resume one by hand."""

from __future__ import annotations

from dataclasses import replace

from kiki.application import inputs
from kiki.application.base import ServicesBase
from kiki.campaigns.domain import Campaign, PauseReason
from kiki.campaigns.services import (
    CampaignList,
    list_campaigns,
    locate,
    pause_campaign,
    resume_campaign,
)


class CampaignServices(ServicesBase):
    def campaigns(self, client_id: str | None = None) -> CampaignList:
        p = self.ports
        clients = [self.require_client(client_id)] if client_id else self._campaign_clients()
        found = list_campaigns(
            clients,
            gateway=p.gateway,
            book=p.campaigns,
            clock=p.clock,
            window_s=p.settings.cac_window_s,
        )
        projections = p.gate_decisions.projections([c.campaign_id for c in found.campaigns])
        campaigns = tuple(
            replace(c, projection=projections.get(c.campaign_id)) for c in found.campaigns
        )
        return replace(found, campaigns=campaigns)

    def campaign_client(self, campaign_id: str) -> str:
        return locate(campaign_id, book=self.ports.campaigns).client_id

    def pause_campaign(self, campaign_id: str, *, note: str | None = None) -> Campaign:
        p = self.ports
        return pause_campaign(
            campaign_id,
            PauseReason.MANUAL,
            note=inputs.note(note),
            gateway=p.gateway,
            book=p.campaigns,
            audit=p.audit,
            clock=p.clock,
        )

    def resume_campaign(self, campaign_id: str, *, note: str | None = None) -> Campaign:
        p = self.ports
        return resume_campaign(
            campaign_id,
            note=inputs.note(note),
            gateway=p.gateway,
            book=p.campaigns,
            audit=p.audit,
            clock=p.clock,
        )

    def _campaign_clients(self) -> list[str]:
        known = {c.state.client_id for c in self.ports.campaigns.known()}
        return sorted(known | set(self.ports.directory.clients()))
