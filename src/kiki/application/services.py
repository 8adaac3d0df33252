"""``Services``: every use case bound to the ports bootstrap chose; entrypoints call only this.

Each method is one use case: it calls a component's service with its ports, keyword by
keyword, and returns that service's typed, frozen result. The use cases live in one module per
area (``flow_services``, ``twin_services``, …); a new area adds its module and one base here.
"""

from __future__ import annotations

from kiki.application.admin_services import AdminServices
from kiki.application.campaign_services import CampaignServices
from kiki.application.chaos_services import ChaosServices
from kiki.application.flow_services import FlowServices
from kiki.application.gate_services import GateServices
from kiki.application.guardian_services import GuardianServices
from kiki.application.mirror_services import MirrorServices
from kiki.application.money_services import MoneyServices
from kiki.application.platform_services import PlatformServices
from kiki.application.twin_services import TwinServices
from kiki.application.value_services import ValueServices


class Services(
    FlowServices,
    GateServices,
    TwinServices,
    ValueServices,
    CampaignServices,
    AdminServices,
    MoneyServices,
    ChaosServices,
    GuardianServices,
    PlatformServices,
    MirrorServices,
):
    """The use cases of one built application; thread-safe (the entrypoints are threaded)."""
