"""The guardian's four rules, by the names ``KIKI_GUARDIAN_RULES`` and the metrics use."""

from __future__ import annotations

import enum

from kiki.core.errors import InvalidInputError


class GuardRule(enum.Enum):
    MARGIN = "margin"  # CPA past what the client's LTV and margin allow: pause
    CVR_DROP = "cvr_drop"  # conversion rate fell: roll back to the last good configuration
    API_OUTAGE = "api_outage"  # the bid controller, which holds its bids while a platform is down
    BUDGET_OVERRUN = "budget_overrun"  # spend today at 110 % of the budget, or unreadable: pause


ALL_RULES = frozenset(GuardRule)


def parse_rules(text: str, *, field: str = "guardian_rules") -> frozenset[GuardRule]:
    """``"margin,cvr_drop"`` to the rules it names; empty text names none (all switched off)."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    known = {rule.value: rule for rule in GuardRule}
    unknown = [name for name in names if name not in known]
    if unknown:
        choices = ", ".join(rule.value for rule in GuardRule)
        raise InvalidInputError(field, f"unknown rule {unknown[0]!r} (known: {choices})")
    return frozenset(known[name] for name in names)
