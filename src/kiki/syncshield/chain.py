"""Audit events and the hash chain that makes editing or deleting one of them detectable.

entry.hash = sha256(prev_hash || canonical JSON of (seq, event)); the store also keeps the
head (last seq and hash), so removing entries from the end is caught as well.
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
    seq: int
    event: AuditEvent
    prev_hash: str
    hash: str


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
