"""Spread an account's daily budget over its campaigns, exactly to the micro."""

from __future__ import annotations

from collections.abc import Sequence


def split_budget(budgets: Sequence[int], active: Sequence[bool], target: int) -> list[int]:
    """New budgets (micros) for the campaigns of one account so that they sum to ``target``.

    The change goes to the active campaigns, in proportion to their current budgets (equally
    when those are all zero); the others keep theirs. When the active campaigns cannot absorb
    a cut, every campaign is scaled. Largest remainders settle the last micros, ties to the
    earlier campaign, so the result is deterministic and sums to ``target`` exactly.

    Raises ValueError for a negative target or an account without campaigns.
    """
    if len(budgets) != len(active):
        raise ValueError("one active flag per budget")
    if target < 0:
        raise ValueError("a daily budget is not negative")
    if not budgets:
        raise ValueError("an account without campaigns has no budget to set")
    movable = [i for i, on in enumerate(active) if on] or list(range(len(budgets)))
    fixed = sum(b for i, b in enumerate(budgets) if i not in set(movable))
    if target < fixed:
        movable, fixed = list(range(len(budgets))), 0
    share = target - fixed
    result = list(budgets)
    weights = [budgets[i] for i in movable]
    total = sum(weights)
    if total == 0:
        weights, total = [1] * len(movable), len(movable)
    floors = [share * w // total for w in weights]
    remainders = [share * w % total for w in weights]
    left = share - sum(floors)
    order = sorted(range(len(movable)), key=lambda k: (-remainders[k], k))
    for k in order[:left]:
        floors[k] += 1
    for k, i in enumerate(movable):
        result[i] = floors[k]
    for i in range(len(budgets)):
        if i not in set(movable):
            result[i] = budgets[i]
    return result
