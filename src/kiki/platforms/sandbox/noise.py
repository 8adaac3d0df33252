"""Deterministic market noise: a draw depends only on its key, never on when or how often
anyone reads, so the sandbox's figures can be replayed from its seed."""

from __future__ import annotations

import hashlib
import math
from statistics import NormalDist

_STANDARD_NORMAL = NormalDist()
_UNIT_BITS = 52
_UNIT_DENOMINATOR = 1 << (_UNIT_BITS + 1)


def unit_draw(*key: object) -> float:
    """A uniform draw in the open interval (0, 1) from a hash of ``key``'s text.

    52 bits of BLAKE2b make ``(2n + 1) / 2**53``: exact in a double, never 0 or 1.
    """
    text = "|".join(str(part) for part in key).encode()
    digest = int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")
    n = digest >> (64 - _UNIT_BITS)
    return (2 * n + 1) / _UNIT_DENOMINATOR


def lognormal_factor(cv: float, *key: object) -> float:
    """A multiplier with mean 1 and coefficient of variation ``cv``; exactly 1.0 when ``cv`` is 0.

    Log-normal, so it is always positive: sigma**2 = ln(1 + cv**2), mu = -sigma**2 / 2.
    """
    if cv == 0:
        return 1.0
    variance = math.log1p(cv * cv)
    z = _STANDARD_NORMAL.inv_cdf(unit_draw(*key))
    return math.exp(math.sqrt(variance) * z - variance / 2)
