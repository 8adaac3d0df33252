"""Transfers between budget accounts, and the views derived from them (balances, shifts).

A shift of budget from platform A to platform B is two transfers through the client's
in-transit account: ``A -> transit`` once A's budget was lowered at the platform, then
``transit -> B`` once B's was raised. If raising B fails and A is restored, a correcting
``transit -> A`` transfer (kind ROLLBACK) is appended. Every transfer moves the same amount
out of one account and into another, so the sum over all accounts is zero by construction,
and money stuck in transit is visible as a non-zero transit balance.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform

IN_TRANSIT = "transit"
_BUDGET_PREFIX = "budget:"


def budget_account(platform: Platform) -> str:
    return f"{_BUDGET_PREFIX}{platform.value}"


def account_platform(account: str) -> Platform | None:
    if account.startswith(_BUDGET_PREFIX):
        return Platform(account.removeprefix(_BUDGET_PREFIX))
    return None


class TransferKind(enum.Enum):
    SHIFT_OUT = "SHIFT_OUT"
    SHIFT_IN = "SHIFT_IN"
    ROLLBACK = "ROLLBACK"


@dataclass(frozen=True, slots=True)
class Transfer:
    transfer_id: str
    client_id: str
    shift_id: str
    kind: TransferKind
    source: str
    destination: str
    amount: Money
    reason: str
    at: datetime
    corrects: str | None = None
    # On a SHIFT_OUT leg: the account the money is on its way to, so an unfinished shift
    # still says where it was going.
    bound_for: str | None = None

    def __post_init__(self) -> None:
        if self.amount.micros <= 0:
            raise InvalidInputError("amount", "a transfer moves a positive amount")
        if self.source == self.destination:
            raise InvalidInputError("destination", "must differ from the source account")
        if self.at.tzinfo is None:
            raise InvalidInputError("at", "must be timezone-aware")

    def same_content(self, other: Transfer) -> bool:
        """Equal but for the stored timestamp's precision (databases round it)."""
        return (
            self.transfer_id,
            self.client_id,
            self.shift_id,
            self.kind,
            self.source,
            self.destination,
            self.amount,
            self.reason,
            self.corrects,
            self.bound_for,
        ) == (
            other.transfer_id,
            other.client_id,
            other.shift_id,
            other.kind,
            other.source,
            other.destination,
            other.amount,
            other.reason,
            other.corrects,
            other.bound_for,
        )


def balances(transfers: Iterable[Transfer]) -> dict[str, Money]:
    """Net amount each account received, per account; the values always sum to zero."""
    net: dict[str, int] = defaultdict(int)
    for t in transfers:
        net[t.source] -= t.amount.micros
        net[t.destination] += t.amount.micros
    return {account: Money(micros) for account, micros in sorted(net.items())}


class ShiftStatus(enum.Enum):
    APPLIED = "APPLIED"
    ROLLED_BACK = "ROLLED_BACK"
    IN_TRANSIT = "IN_TRANSIT"


@dataclass(frozen=True, slots=True)
class ShiftRecord:
    """One budget shift as a person reads it: from, to, amount, why, and how it ended."""

    shift_id: str
    client_id: str
    source: Platform
    destination: Platform
    amount: Money
    reason: str
    at: datetime
    status: ShiftStatus
    transfer_ids: tuple[str, ...] = field(default=())


def summarize_shifts(transfers: Iterable[Transfer]) -> list[ShiftRecord]:
    """Fold the transfers of each shift into one record, in the order the shifts began."""
    by_shift: dict[str, list[Transfer]] = defaultdict(list)
    for t in transfers:
        by_shift[t.shift_id].append(t)
    records: list[ShiftRecord] = []
    for shift_id, parts in by_shift.items():
        out = next((t for t in parts if t.kind is TransferKind.SHIFT_OUT), None)
        if out is None:
            continue
        incoming = next((t for t in parts if t.kind is TransferKind.SHIFT_IN), None)
        rollback = next((t for t in parts if t.kind is TransferKind.ROLLBACK), None)
        source = account_platform(out.source)
        destination = account_platform(incoming.destination if incoming else out.bound_for or "")
        if source is None or destination is None:
            continue
        if incoming is not None:
            status = ShiftStatus.APPLIED
        elif rollback is not None:
            status = ShiftStatus.ROLLED_BACK
        else:
            status = ShiftStatus.IN_TRANSIT
        records.append(
            ShiftRecord(
                shift_id=shift_id,
                client_id=out.client_id,
                source=source,
                destination=destination,
                amount=out.amount,
                reason=out.reason,
                at=out.at,
                status=status,
                transfer_ids=tuple(t.transfer_id for t in parts),
            )
        )
    return records
