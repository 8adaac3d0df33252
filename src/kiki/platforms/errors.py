"""Errors a platform gateway raises; adapters translate SDK and HTTP errors into these."""

from kiki.core.errors import InvalidInputError, KikiError
from kiki.core.platform import Platform


class PlatformError(KikiError):
    """A platform gateway failed."""


class PlatformUnavailableError(PlatformError):
    """The platform's API failed or timed out; nothing was changed by the failed call."""

    def __init__(self, platform: Platform, operation: str, detail: str = "") -> None:
        message = f"{platform.display_name} API unavailable during {operation}"
        super().__init__(f"{message}: {detail}" if detail else message)
        self.platform = platform
        self.operation = operation


class UnknownClientError(PlatformError):
    """The gateway has no accounts for this client."""


class CampaignNotFoundError(PlatformError):
    """The platform has no such campaign for this client."""

    def __init__(self, campaign_id: str) -> None:
        super().__init__(f"no campaign {campaign_id!r}")
        self.campaign_id = campaign_id


class UnreadableFiguresError(PlatformError):
    """A platform answered with figures that cannot be (missing, not finite, negative).

    Adapters raise it while taking one campaign's figures and report that campaign's reading
    as unreadable (``CampaignReading(state, None, problem)``) rather than as zeros."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field


class PlatformAuthError(PlatformError):
    """The platform refused KIKI's credentials (``problem`` "bad token") or the account
    (``problem`` "no access"). Never retried: the message says what to fix."""

    def __init__(self, platform: Platform, problem: str, fix: str) -> None:
        super().__init__(f"{platform.display_name}: {problem}: {fix}")
        self.platform = platform
        self.problem = problem
        self.fix = fix


class PlatformDataError(PlatformError):
    """The platform reported something KIKI cannot represent exactly (money finer than a
    micro, an unknown status); nothing is guessed or rounded."""


class UnrepresentableAmountError(PlatformDataError, InvalidInputError):
    """An amount the platform cannot take exactly (a fraction of a cent on a cents-only
    budget, of a yen on a yen one): refused before anything is sent, never rounded."""

    def __init__(self, field: str, rule: str) -> None:
        InvalidInputError.__init__(self, field, rule)


class ChangePendingError(PlatformError):
    """A change was requested but the platform has not confirmed it yet (a CSV change file
    waiting for a person to upload it, confirmed by the next export). Its outcome is unknown:
    never to be read as done, nor as refused. ``changes`` are the lines still waiting."""

    def __init__(self, platform: Platform, detail: str, changes: tuple[object, ...] = ()) -> None:
        super().__init__(f"{platform.display_name}: change requested, not yet confirmed: {detail}")
        self.platform = platform
        self.changes = changes


class NotOfferedError(PlatformError):
    """The platform (or the way KIKI reaches it) does not offer this capability, for example
    bid control; nothing was sent. Callers skip the platform for it and say so."""

    def __init__(self, platform: Platform, capability: str, why: str = "") -> None:
        text = f"{platform.display_name} does not offer {capability}"
        super().__init__(f"{text}: {why}" if why else text)
        self.platform = platform
        self.capability = capability
