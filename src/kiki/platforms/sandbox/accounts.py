"""The six demo ad accounts the sandbox opens for a client; the demo's story rests on them."""

from __future__ import annotations

from decimal import Decimal

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.ports import AccountSpec


def demo_accounts() -> dict[Platform, AccountSpec]:
    """Six accounts whose model CAC matches the seed's scenario figures before any shock.

    CAC = CPM / (1000 x CTR x CVR): Meta $7.50 CPM, 2 % CTR, 0.25 % CVR -> $150 against an
    LTV of $450, so Meta starts at 3.0x; a +40 % CPM spike lifts its CAC to $210 (2.14x).
    """

    def usd(units: str) -> Money:
        return Money.parse(Decimal(units))

    return {
        Platform.META: AccountSpec(usd("500"), usd("7.50"), 0.02, 0.0025, usd("450")),
        Platform.GOOGLE: AccountSpec(usd("600"), usd("12.00"), 0.04, 0.002, usd("480")),
        Platform.TIKTOK: AccountSpec(usd("400"), usd("4.20"), 0.02, 0.002, usd("420")),
        Platform.LINKEDIN: AccountSpec(usd("300"), usd("30.00"), 0.01, 0.01, usd("900")),
        Platform.AMAZON: AccountSpec(usd("450"), usd("7.00"), 0.025, 0.002, usd("420")),
        Platform.MICROSOFT: AccountSpec(usd("250"), usd("10.00"), 0.025, 0.0025, usd("480")),
    }
