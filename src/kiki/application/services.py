"""``Services``: every use case bound to the ports bootstrap chose; entrypoints call only this.

Each method is one use case: it calls a component's service with its ports, keyword by
keyword, and returns that service's typed, frozen result. The use cases live in one module per
area (``flow_services``, ``twin_services``, …); a new area adds its module and one base here.
"""

from __future__ import annotations

from kiki.application.admin_services import AdminServices
from kiki.application.campaign_services import CampaignServices
from kiki.application.flow_services import FlowServices
from kiki.application.gate_services import GateServices
from kiki.application.twin_services import TwinServices
from kiki.application.value_services import ValueServices


class Services(
    FlowServices, TwinServices, ValueServices, CampaignServices, AdminServices, GateServices
):
    """The use cases of one built application; thread-safe (the entrypoints are threaded)."""
