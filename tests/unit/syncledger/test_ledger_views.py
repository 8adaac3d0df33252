from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncledger import IN_TRANSIT, Transfer, TransferKind, balances, summarize_shifts

AT = datetime(2026, 2, 3, 9, 5, tzinfo=UTC)


def out(shift: str, amount: int = 5) -> Transfer:
    return Transfer(
        f"{shift}:out",
        "c",
        shift,
        TransferKind.SHIFT_OUT,
        "budget:PLATFORM_META",
        IN_TRANSIT,
        Money(amount),
        "why",
        AT,
        bound_for="budget:PLATFORM_TIKTOK",
    )


def test_an_unfinished_shift_shows_in_transit_with_where_it_was_going() -> None:
    [record] = summarize_shifts([out("s")])
    assert (record.status.value, record.source, record.destination) == (
        "IN_TRANSIT",
        Platform.META,
        Platform.TIKTOK,
    )
    assert balances([out("s")]) == {"budget:PLATFORM_META": Money(-5), IN_TRANSIT: Money(5)}


def test_legs_without_an_out_leg_are_not_a_shift() -> None:
    lone = Transfer(
        "x:in",
        "c",
        "x",
        TransferKind.SHIFT_IN,
        IN_TRANSIT,
        "budget:PLATFORM_GOOGLE",
        Money(1),
        "why",
        AT,
    )
    assert summarize_shifts([lone]) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Money(0)}, "amount"),
        ({"destination": "budget:PLATFORM_META"}, "destination"),
        ({"at": AT.replace(tzinfo=None)}, "at"),
    ],
)
def test_a_transfer_refuses_zero_self_and_naive_time(
    changes: dict[str, object], field: str
) -> None:
    base = {
        "transfer_id": "t",
        "client_id": "c",
        "shift_id": "s",
        "kind": TransferKind.SHIFT_OUT,
        "source": "budget:PLATFORM_META",
        "destination": IN_TRANSIT,
        "amount": Money(1),
        "reason": "r",
        "at": AT,
    }
    with pytest.raises(InvalidInputError) as caught:
        Transfer(**{**base, **changes})  # type: ignore[arg-type]
    assert caught.value.field == field
