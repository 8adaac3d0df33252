"""Ad-platform gateways: the port, its errors, and the sandbox market of six simulated platforms."""

from kiki.platforms.errors import PlatformError, PlatformUnavailableError, UnknownClientError
from kiki.platforms.ports import CampaignGateway, PlatformGateway, PlatformReading

__all__ = [
    "CampaignGateway",
    "PlatformError",
    "PlatformGateway",
    "PlatformReading",
    "PlatformUnavailableError",
    "UnknownClientError",
]
