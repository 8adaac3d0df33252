"""The six ad platforms, in the seed's order (the order breaks efficiency ties)."""

from __future__ import annotations

import enum

from kiki.core.errors import InvalidInputError


class Platform(enum.Enum):
    META = "PLATFORM_META"
    GOOGLE = "PLATFORM_GOOGLE"
    TIKTOK = "PLATFORM_TIKTOK"
    LINKEDIN = "PLATFORM_LINKEDIN"
    AMAZON = "PLATFORM_AMAZON"
    MICROSOFT = "PLATFORM_MICROSOFT"

    @property
    def display_name(self) -> str:
        return _DISPLAY[self]

    @property
    def rank(self) -> int:
        """Position in the seed's enum order, used to break ties deterministically."""
        return _ORDER[self]

    @classmethod
    def parse(cls, value: object, *, field: str = "platform") -> Platform:
        """Accept ``PLATFORM_META``, ``meta``, ``Meta`` or a Platform."""
        if isinstance(value, Platform):
            return value
        if not isinstance(value, str):
            raise InvalidInputError(field, "must be a platform name such as PLATFORM_META or meta")
        key = value.strip().upper()
        key = key.removeprefix("PLATFORM_")
        try:
            return cls[key]
        except KeyError:
            names = ", ".join(p.value for p in cls)
            raise InvalidInputError(field, f"unknown platform {value!r} (one of {names})") from None


_DISPLAY = {
    Platform.META: "Meta",
    Platform.GOOGLE: "Google",
    Platform.TIKTOK: "TikTok",
    Platform.LINKEDIN: "LinkedIn",
    Platform.AMAZON: "Amazon",
    Platform.MICROSOFT: "Microsoft",
}
_ORDER = {p: i for i, p in enumerate(Platform)}
