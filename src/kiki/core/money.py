"""Money as an integer number of micros (1 USD = 1 000 000), parsed and shown strictly."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation

from kiki.core.errors import InvalidInputError

MICROS_PER_UNIT = 1_000_000
# About 9.2 trillion currency units: the int64 range the platforms' APIs and our gRPC contract use.
MAX_MICROS = 2**63 - 1
_MAX_DECIMALS = 6
_MICRO = Decimal("0.000001")
_MAX_UNITS = Decimal(MAX_MICROS).scaleb(-_MAX_DECIMALS)


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount of one currency in integer micros; never a binary float on its way to a ledger."""

    micros: int

    def __post_init__(self) -> None:
        if not isinstance(self.micros, int) or isinstance(self.micros, bool):
            raise TypeError(f"Money.micros must be an int, got {type(self.micros).__name__}")
        if abs(self.micros) > MAX_MICROS:
            raise InvalidInputError("amount", "exceeds the int64 range of micros")

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def parse(cls, value: object, *, field: str = "amount", allow_negative: bool = False) -> Money:
        """Parse currency units (``"12.5"``, ``12.5``, ``12``) into micros, exactly.

        Raises InvalidInputError naming ``field`` for NaN, infinities, booleans, text that is not
        a number, more than six decimals, and (unless allowed) negative amounts.
        """
        if isinstance(value, bool) or value is None:
            raise InvalidInputError(field, "must be a number of currency units")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise InvalidInputError(field, "must be finite (NaN and infinity are not money)")
            # repr is the shortest decimal that round-trips: 0.1 stays 0.1
            text = float.__repr__(value)  # also for float subclasses such as numpy.float64
        elif isinstance(value, int | str | Decimal):
            text = str(value).strip()
        else:
            raise InvalidInputError(field, "must be a number of currency units")
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise InvalidInputError(field, f"{text!r} is not a number") from exc
        if not amount.is_finite():
            raise InvalidInputError(field, "must be finite (NaN and infinity are not money)")
        if abs(amount) > _MAX_UNITS:
            raise InvalidInputError(field, "is too large")
        if amount != amount.quantize(_MICRO, rounding=ROUND_FLOOR):
            raise InvalidInputError(field, "has more than 6 decimals")
        if amount < 0 and not allow_negative:
            raise InvalidInputError(field, "must not be negative")
        return cls(int(amount.scaleb(_MAX_DECIMALS)))

    def to_decimal(self) -> Decimal:
        return Decimal(self.micros).scaleb(-_MAX_DECIMALS)

    def to_units(self) -> float:
        """Currency units as a float, for JSON and display only (exact up to 2**53 micros)."""
        return self.micros / MICROS_PER_UNIT

    def fraction(self, ratio: float) -> Money:
        """``ratio`` of this amount, rounded down to the micro (a cap is never exceeded)."""
        if not math.isfinite(ratio) or ratio < 0:
            raise InvalidInputError("ratio", "must be a finite number >= 0")
        scaled = (Decimal(self.micros) * Decimal(repr(ratio))).to_integral_value(ROUND_FLOOR)
        return Money(int(scaled))

    def format(self, symbol: str = "$", *, cents: bool = False) -> str:
        """``$1,234.50``; whole amounts drop the cents (``$100``); sub-cent digits are kept
        unless ``cents`` asks for display rounding to the cent (half to even)."""
        micros = self.micros
        if cents:
            micros = int(Decimal(micros).scaleb(-4).to_integral_value(ROUND_HALF_EVEN)) * 10_000
        sign = "-" if micros < 0 else ""
        units, rest = divmod(abs(micros), MICROS_PER_UNIT)
        if rest == 0:
            return f"{sign}{symbol}{units:,}"
        decimals = f"{rest:06d}".rstrip("0").ljust(2, "0")
        return f"{sign}{symbol}{units:,}.{decimals}"

    def __add__(self, other: Money) -> Money:
        return Money(self.micros + other.micros)

    def __sub__(self, other: Money) -> Money:
        return Money(self.micros - other.micros)

    def __neg__(self) -> Money:
        return Money(-self.micros)

    def __str__(self) -> str:
        return self.format()
