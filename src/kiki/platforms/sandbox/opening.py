"""The campaigns a sandbox account opens with, and the ids the sandbox gives campaigns."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from kiki.campaigns.domain import Bid, CampaignRef, CampaignStatus
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.store import AccountRecord, CampaignRecord


def campaign_id_for(client_id: str, platform: Platform, number: int) -> str:
    """The id of the client's ``number``-th campaign on ``platform`` (1 is the always-on one).

    Deterministic, so that noise keyed by campaign id replays from the seed; after a reset the
    numbers start again, so the always-on campaigns keep their ids.
    """
    digest = hashlib.blake2b(client_id.encode(), digest_size=6).hexdigest()
    return f"sbx-{platform.name.lower()}-{number}-{digest}"


def new_campaign(
    client_id: str,
    platform: Platform,
    number: int,
    *,
    name: str,
    budget: Money,
    bid: Bid,
    now: datetime,
) -> CampaignRecord:
    """An active campaign created, and accrued, at ``now``."""
    ref = CampaignRef(client_id, platform, campaign_id_for(client_id, platform, number))
    return CampaignRecord(ref, name, CampaignStatus.ACTIVE, None, budget, bid, now, now)


def always_on_campaigns(accounts: Sequence[AccountRecord], now: datetime) -> list[CampaignRecord]:
    """One campaign per account ("Meta always-on"), at its opening budget, bidding automatically."""
    return [
        new_campaign(
            a.client_id,
            a.platform,
            1,
            name=f"{a.platform.display_name} always-on",
            budget=a.spec.daily_budget,
            bid=Bid.automatic(),
            now=now,
        )
        for a in accounts
    ]
