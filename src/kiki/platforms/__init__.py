"""Ad-platform gateways: the ports, their errors, the sandbox market and the platform adapters."""

from kiki.platforms.errors import (
    CampaignNotFoundError,
    ChangePendingError,
    NotOfferedError,
    PlatformAuthError,
    PlatformDataError,
    PlatformError,
    PlatformUnavailableError,
    UnknownClientError,
)
from kiki.platforms.ports import (
    CampaignControl,
    CampaignReader,
    CampaignReading,
    Gateway,
    PlatformGateway,
    PlatformReading,
)
from kiki.platforms.telemetry import Telemetry, Totals

__all__ = [
    "CampaignControl",
    "CampaignNotFoundError",
    "CampaignReader",
    "CampaignReading",
    "ChangePendingError",
    "Gateway",
    "NotOfferedError",
    "PlatformAuthError",
    "PlatformDataError",
    "PlatformError",
    "PlatformGateway",
    "PlatformReading",
    "PlatformUnavailableError",
    "Telemetry",
    "Totals",
    "UnknownClientError",
]
