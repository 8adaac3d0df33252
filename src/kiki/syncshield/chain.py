"""Audit events and the hash chains that make editing, inserting or deleting one detectable.

One chain per client (events of no client on the chain ""), so that appenders for different
clients never wait for each other: entry.hash = sha256(prev_hash || canonical JSON of (chain,
chain_seq, registry_seq, event)), prev_hash the hash of the chain's entry before. The store
keeps each chain's head (last chain_seq and hash), so removing a chain's last entries is
caught. A chain's first entry links to the first entry of the chain started before it (its
registry_seq counts chains), and the store keeps the registry's head too: removing a whole
chain, head and all, breaks that second chain. The registry starts from the head of the single
chain every entry was written on before per-client chains, which those entries keep
(``entry_hash``, checked by ``verify_chain``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEvent:
    event_type: str
    at: datetime
    client_id: str | None = None
    campaign_id: str | None = None
    reason: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int  # the trail's order, across chains
    event: AuditEvent
    prev_hash: str
    hash: str
    chain: str | None = None  # None: written on the single chain, before per-client chains
    chain_seq: int | None = None
    registry_seq: int | None = None  # on a chain's first entry: how many chains began so far


def canonical(seq: int, event: AuditEvent) -> bytes:
    body = {
        "seq": seq,
        "event_type": event.event_type,
        "at": event.at.isoformat(timespec="microseconds"),
        "client_id": event.client_id,
        "campaign_id": event.campaign_id,
        "reason": event.reason,
        "metadata": event.metadata,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_hash(prev_hash: str, seq: int, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(seq, event)).hexdigest()


def chain_of(event: AuditEvent) -> str:
    """The chain an event goes on: its client's, or "" for events of no client."""
    return event.client_id or ""


def chained_canonical(
    chain: str, chain_seq: int, registry_seq: int | None, event: AuditEvent
) -> bytes:
    body = json.loads(canonical(chain_seq, event))
    body.update(chain=chain, chain_seq=body.pop("seq"), registry_seq=registry_seq)
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def chained_hash(
    prev_hash: str, chain: str, chain_seq: int, registry_seq: int | None, event: AuditEvent
) -> str:
    return hashlib.sha256(
        prev_hash.encode() + chained_canonical(chain, chain_seq, registry_seq, event)
    ).hexdigest()


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    ok: bool
    problems: tuple[str, ...] = ()
    head_hash: str = GENESIS_HASH


def verify_chain(entries: Sequence[AuditEntry], *, head_seq: int, head_hash: str) -> ChainReport:
    """Check every link and the stored head; report each problem found, in order."""
    problems: list[str] = []
    prev = GENESIS_HASH
    expected_seq = 1
    for entry in entries:
        if entry.seq != expected_seq:
            problems.append(f"entry {expected_seq} is missing (next found is {entry.seq})")
        if entry.prev_hash != prev:
            problems.append(f"entry {entry.seq} does not link to the entry before it")
        if entry_hash(entry.prev_hash, entry.seq, entry.event) != entry.hash:
            problems.append(f"entry {entry.seq} was edited (its hash does not match its content)")
        prev = entry.hash
        expected_seq = entry.seq + 1
    last_seq = entries[-1].seq if entries else 0
    if last_seq != head_seq or prev != head_hash:
        problems.append(
            f"the chain ends at entry {last_seq} but the head records entry {head_seq}"
            if last_seq != head_seq
            else "the last entry is not the one the head records"
        )
    return ChainReport(
        entries=len(entries), ok=not problems, problems=tuple(problems), head_hash=prev
    )


def verify_trail(
    entries: Sequence[AuditEntry],
    *,
    single: Head,
    registry: Head,
    chains: Mapping[str, Head],
) -> ChainReport:
    """Check the single chain of older entries against ``single``, every client's chain link
    by link against its head in ``chains``, and the chains' first entries against the
    ``registry`` head; report each problem found. ``entries`` in the trail's order."""
    older = [e for e in entries if e.chain is None]
    problems = list(verify_chain(older, head_seq=single.seq, head_hash=single.hash).problems)
    by_chain: dict[str, list[AuditEntry]] = {}
    for e in entries:
        if e.chain is not None:
            by_chain.setdefault(e.chain, []).append(e)
    for chain, items in by_chain.items():
        items.sort(key=lambda e: e.chain_seq or 0)
        problems += _chain_problems(chain, items, chains.get(chain))
    for chain in sorted(chains.keys() - by_chain.keys()):
        problems.append(
            f"chain {chain!r}: its head records entry {chains[chain].seq}, none is left"
        )
    problems += _registry_problems(by_chain, single, registry)
    return ChainReport(
        entries=len(entries),
        ok=not problems,
        problems=tuple(problems),
        head_hash=entries[-1].hash if entries else single.hash,
    )


def _chain_problems(chain: str, items: list[AuditEntry], head: Head | None) -> list[str]:
    problems: list[str] = []
    expected, prev = 1, None
    for e in items:
        position = e.chain_seq or 0
        if position != expected:
            problems.append(
                f"chain {chain!r}: its entry {expected} is missing (next found is entry {e.seq})"
            )
        if position > 1 and prev is not None and e.prev_hash != prev.hash:
            problems.append(f"entry {e.seq} does not link to the entry before it")
        if chained_hash(e.prev_hash, chain, position, e.registry_seq, e.event) != e.hash:
            problems.append(f"entry {e.seq} was edited (its hash does not match its content)")
        prev, expected = e, position + 1
    last = items[-1]
    if head is None:
        problems.append(f"chain {chain!r} has entries but no head")
    elif (last.chain_seq, last.hash) != (head.seq, head.hash):
        problems.append(
            f"chain {chain!r} ends at its entry {last.chain_seq} but its head records "
            f"entry {head.seq}"
            if last.chain_seq != head.seq
            else f"chain {chain!r}: the last entry is not the one its head records"
        )
    return problems


def _registry_problems(
    by_chain: Mapping[str, list[AuditEntry]], single: Head, registry: Head
) -> list[str]:
    firsts = sorted(
        (items[0] for items in by_chain.values() if items[0].chain_seq == 1),
        key=lambda e: e.registry_seq or 0,
    )
    problems: list[str] = []
    expected, prev = 1, single.hash
    for e in firsts:
        if e.registry_seq != expected:
            problems.append(
                f"chain {expected} of the registry is missing (next found is {e.registry_seq}, "
                f"chain {e.chain!r})"
            )
        if e.prev_hash != prev:
            problems.append(f"entry {e.seq} does not link to the chain started before it")
        prev, expected = e.hash, (e.registry_seq or 0) + 1
    if (expected - 1, prev) != (registry.seq, registry.hash):
        problems.append(
            f"the registry ends at chain {expected - 1} but its head records chain {registry.seq}"
            if expected - 1 != registry.seq
            else "the last chain started is not the one the registry head records"
        )
    return problems
