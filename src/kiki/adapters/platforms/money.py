"""Money on each platform's wire, to and from integer micros, exactly or not at all.

Meta budgets are integers in the account currency's *offset* unit (cents for most; whole units
for the currencies in ``META_WHOLE_UNIT``: Meta's own table, not ISO 4217); Meta insights and
Microsoft figures are decimal strings or JSON numbers in currency units; Google speaks micros.
A value that is not a whole number of micros, or a budget that is not a whole number of the
platform's unit, raises; nothing is rounded.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from kiki.core.money import MAX_MICROS, MICROS_PER_UNIT, Money
from kiki.platforms.errors import PlatformDataError, UnrepresentableAmountError

META_WHOLE_UNIT = frozenset(
    {"CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND"}
)


def meta_step_micros(currency: str) -> int:
    """Micros in one unit of a Meta budget for ``currency`` (its offset: 100 or 1)."""
    return MICROS_PER_UNIT if currency.upper() in META_WHOLE_UNIT else MICROS_PER_UNIT // 100


def units_to_micros(value: object, *, what: str) -> int:
    """A decimal string (``"12.34"``) or JSON number in currency units, as micros, exactly.

    PlatformDataError for anything else: text that is not a number, NaN, more than six
    decimals, out of range. A JSON number is taken by its shortest repr (50.25, not the binary
    float behind it), which is the text the platform sent."""
    if isinstance(value, bool):
        raise PlatformDataError(f"{what}: {value!r} is not an amount")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PlatformDataError(f"{what}: {value!r} is not an amount")
        text = repr(value)
    elif isinstance(value, int | str):
        text = str(value).strip()
    else:
        raise PlatformDataError(f"{what}: {value!r} is not an amount")
    try:
        amount = Decimal(text) * MICROS_PER_UNIT
    except InvalidOperation as exc:
        raise PlatformDataError(f"{what}: {text!r} is not an amount") from exc
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise PlatformDataError(f"{what}: {text!r} is finer than a micro; KIKI will not round it")
    micros = int(amount)
    if abs(micros) > MAX_MICROS:
        raise PlatformDataError(f"{what}: {text!r} is out of range")
    return micros


def micros_to_units(micros: int) -> Decimal:
    """Currency units as an exact Decimal (for JSON, a number with at most six decimals)."""
    return Decimal(micros).scaleb(-6)


def micros_to_json_number(micros: int) -> float:
    """Currency units as the JSON number Microsoft takes: the double whose shortest repr is the
    exact decimal. A double holds 15 significant digits for sure, so amounts from a billion
    units up are refused rather than sent rounded."""
    exact = micros_to_units(micros)
    number = float(exact)
    if abs(micros) >= 10**15 or Decimal(repr(number)) != exact:
        raise UnrepresentableAmountError(
            "daily_budget", f"{exact} does not fit a JSON number exactly"
        )
    return number


def to_steps(budget: Money, step_micros: int, *, field: str, currency: str) -> int:
    """``budget`` as a whole number of the platform's unit (``step_micros`` each), or raise."""
    whole, rest = divmod(budget.micros, step_micros)
    if rest:
        unit = "whole units" if step_micros == MICROS_PER_UNIT else "whole cents"
        raise UnrepresentableAmountError(
            field,
            f"{budget.format(symbol='')} {currency} is not a whole number of the platform's unit "
            f"({unit}); KIKI will not round it",
        )
    return whole
