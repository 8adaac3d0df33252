"""Transfers between budget accounts, and the views derived from them (balances, shifts).

A shift of budget from platform A to platform B is a two-phase transfer, as TigerBeetle does
it: before any platform is called, a PENDING transfer ``budget:A -> budget:B`` records the
intent with both accounts' budgets before it (so the absolute targets are known); once both
platforms hold their targets it is POSTED; when nothing moved it is VOIDED, and when A was
lowered and put back it is ROLLED_BACK. Only posted transfers move balances; a pending one is
an intent that the reconciler resolves by reading the platforms.

Ledgers written before two-phase transfers hold shifts as legs through the client's transit
account (SHIFT_OUT ``A -> transit``, SHIFT_IN ``transit -> B``, ROLLBACK ``transit -> A``);
they are still read, and move balances as recorded.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform

IN_TRANSIT = "transit"
_BUDGET_PREFIX = "budget:"
MAX_ID_LENGTH = 200  # the columns' width: a longer id is refused, not cut
MAX_CLIENT_ID_LENGTH = 100


def budget_account(platform: Platform) -> str:
    return f"{_BUDGET_PREFIX}{platform.value}"


def account_platform(account: str) -> Platform | None:
    """The platform of a ``budget:PLATFORM_X`` account; None for transit (or anything else)."""
    if account.startswith(_BUDGET_PREFIX):
        try:
            return Platform(account.removeprefix(_BUDGET_PREFIX))
        except ValueError:
            return None
    return None


class TransferKind(enum.Enum):
    PENDING = "PENDING"  # the intent, recorded before any platform is called
    POSTED = "POSTED"  # both platforms hold their targets: the money moved
    VOIDED = "VOIDED"  # nothing moved
    ROLLED_BACK = "ROLLED_BACK"  # the source was lowered and put back
    SHIFT_OUT = "SHIFT_OUT"  # legacy legs through transit
    SHIFT_IN = "SHIFT_IN"
    ROLLBACK = "ROLLBACK"


RESOLUTIONS = frozenset({TransferKind.POSTED, TransferKind.VOIDED, TransferKind.ROLLED_BACK})
_MOVES_BALANCES = frozenset(
    {TransferKind.POSTED, TransferKind.SHIFT_OUT, TransferKind.SHIFT_IN, TransferKind.ROLLBACK}
)


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
    corrects: str | None = None  # a resolution names the pending transfer it resolves
    # On a legacy SHIFT_OUT leg: the account the money was on its way to.
    bound_for: str | None = None
    # On a PENDING transfer: both accounts' daily budgets before the shift, so the absolute
    # targets (before - amount, before + amount) can be re-sent and checked after a crash.
    source_before: Money | None = None
    destination_before: Money | None = None

    def __post_init__(self) -> None:
        for name in ("transfer_id", "shift_id"):
            check_id(getattr(self, name), field=name)
        check_id(self.client_id, field="client_id", limit=MAX_CLIENT_ID_LENGTH)
        if self.amount.micros <= 0:
            raise InvalidInputError("amount", "a transfer moves a positive amount")
        for name in ("source", "destination"):
            account = getattr(self, name)
            if account != IN_TRANSIT and account_platform(account) is None:
                raise InvalidInputError(
                    name, f"{account!r} is not an account (budget:PLATFORM_… or transit)"
                )
        if self.bound_for is not None and account_platform(self.bound_for) is None:
            raise InvalidInputError("bound_for", f"{self.bound_for!r} is not a budget account")
        if self.corrects is not None:
            check_id(self.corrects, field="corrects")
        if self.source == self.destination:
            raise InvalidInputError("destination", "must differ from the source account")
        if self.at.tzinfo is None:
            raise InvalidInputError("at", "must be timezone-aware")
        if self.kind is TransferKind.PENDING:
            if self.source_before is None or self.destination_before is None:
                raise InvalidInputError("source_before", "a pending transfer records both budgets")
            if self.source_before < self.amount:
                raise InvalidInputError("amount", "exceeds the source's budget")
        if self.kind in RESOLUTIONS and not self.corrects:
            raise InvalidInputError("corrects", "a resolution names the pending transfer")

    @property
    def source_target(self) -> Money | None:
        return None if self.source_before is None else self.source_before - self.amount

    @property
    def destination_target(self) -> Money | None:
        return None if self.destination_before is None else self.destination_before + self.amount

    def same_content(self, other: Transfer) -> bool:
        """Equal but for the stored timestamp's precision (databases round it)."""
        return _content(self) == _content(other)


def _content(t: Transfer) -> tuple[object, ...]:
    return (
        t.transfer_id,
        t.client_id,
        t.shift_id,
        t.kind,
        t.source,
        t.destination,
        t.amount,
        t.reason,
        t.corrects,
        t.bound_for,
        t.source_before,
        t.destination_before,
    )


def check_id(value: object, *, field: str, limit: int = MAX_ID_LENGTH) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must be a non-empty string")
    if len(value) > limit:
        raise InvalidInputError(field, f"must be at most {limit} characters")
    if not value.isprintable():
        raise InvalidInputError(field, "must be printable text")
    return value


def balances(transfers: Iterable[Transfer]) -> dict[str, Money]:
    """Net amount each account received through posted transfers; the values sum to zero."""
    net: dict[str, int] = defaultdict(int)
    for t in transfers:
        if t.kind in _MOVES_BALANCES:
            net[t.source] -= t.amount.micros
            net[t.destination] += t.amount.micros
    return {account: Money(micros) for account, micros in sorted(net.items())}


def unresolved(transfers: Iterable[Transfer]) -> list[Transfer]:
    """Pending transfers no resolution names yet, in recording order."""
    seen = list(transfers)
    resolved = {t.corrects for t in seen if t.kind in RESOLUTIONS}
    return [t for t in seen if t.kind is TransferKind.PENDING and t.transfer_id not in resolved]


def reconciling_view(transfers: Sequence[Transfer]) -> list[Transfer]:
    """What the reconciler needs of a client's transfers (in recording order): every transfer
    through transit, and every transfer from the first unresolved pending one on. On it,
    ``balances(...)[IN_TRANSIT]``, ``unresolved`` and the balances posted after each
    unresolved transfer are what they are on the whole history."""
    seen = list(transfers)
    open_ = unresolved(seen)
    first = seen.index(open_[0]) if open_ else len(seen)
    return [t for i, t in enumerate(seen) if i >= first or IN_TRANSIT in (t.source, t.destination)]


class ShiftStatus(enum.Enum):
    APPLIED = "APPLIED"
    ROLLED_BACK = "ROLLED_BACK"
    VOIDED = "VOIDED"
    PENDING = "PENDING"
    IN_TRANSIT = "IN_TRANSIT"  # a legacy shift whose money stayed in transit


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


_STATUS = {
    TransferKind.POSTED: ShiftStatus.APPLIED,
    TransferKind.VOIDED: ShiftStatus.VOIDED,
    TransferKind.ROLLED_BACK: ShiftStatus.ROLLED_BACK,
}


def summarize_shifts(transfers: Iterable[Transfer]) -> list[ShiftRecord]:
    """Fold the transfers of each shift into one record, in the order the shifts began."""
    by_shift: dict[str, list[Transfer]] = defaultdict(list)
    for t in transfers:
        by_shift[t.shift_id].append(t)
    records: list[ShiftRecord] = []
    for shift_id, parts in by_shift.items():
        record = _two_phase(shift_id, parts) or _legacy(shift_id, parts)
        if record is not None:
            records.append(record)
    return records


def _two_phase(shift_id: str, parts: list[Transfer]) -> ShiftRecord | None:
    pending = next((t for t in parts if t.kind is TransferKind.PENDING), None)
    if pending is None:
        return None
    source, destination = account_platform(pending.source), account_platform(pending.destination)
    if source is None or destination is None:
        return None
    resolution = next((t for t in parts if t.kind in RESOLUTIONS), None)
    status = ShiftStatus.PENDING if resolution is None else _STATUS[resolution.kind]
    return ShiftRecord(
        shift_id=shift_id,
        client_id=pending.client_id,
        source=source,
        destination=destination,
        amount=pending.amount,
        reason=pending.reason,
        at=pending.at,
        status=status,
        transfer_ids=tuple(t.transfer_id for t in parts),
    )


def _legacy(shift_id: str, parts: list[Transfer]) -> ShiftRecord | None:
    out = next((t for t in parts if t.kind is TransferKind.SHIFT_OUT), None)
    if out is None:
        return None
    incoming = next((t for t in parts if t.kind is TransferKind.SHIFT_IN), None)
    rollback = next((t for t in parts if t.kind is TransferKind.ROLLBACK), None)
    source = account_platform(out.source)
    destination = account_platform(incoming.destination if incoming else out.bound_for or "")
    if source is None or destination is None:
        return None
    if incoming is not None:
        status = ShiftStatus.APPLIED
    elif rollback is not None:
        status = ShiftStatus.ROLLED_BACK
    else:
        status = ShiftStatus.IN_TRANSIT
    return ShiftRecord(
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
