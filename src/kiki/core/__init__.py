"""Values every component shares: money in micros, platforms, clocks and the error root."""

from kiki.core.clock import Clock, SystemClock, VirtualClock
from kiki.core.errors import InvalidInputError, KikiError
from kiki.core.money import Money
from kiki.core.platform import Platform

__all__ = [
    "Clock",
    "InvalidInputError",
    "KikiError",
    "Money",
    "Platform",
    "SystemClock",
    "VirtualClock",
]
