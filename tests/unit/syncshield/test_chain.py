from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kiki.syncshield import GENESIS_HASH, AuditEntry, AuditEvent, entry_hash, verify_chain

AT = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)


def chain(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        event = AuditEvent("CAMPAIGN_APPROVED", AT, "c", metadata={"i": seq})
        digest = entry_hash(prev, seq, event)
        entries.append(AuditEntry(seq, event, prev, digest))
        prev = digest
    return entries


def test_an_intact_chain_verifies_and_reports_its_head() -> None:
    entries = chain(3)
    report = verify_chain(entries, head_seq=3, head_hash=entries[-1].hash)
    assert (report.ok, report.entries, report.problems, report.head_hash) == (
        True,
        3,
        (),
        entries[-1].hash,
    )


def test_an_empty_chain_is_intact_only_against_an_empty_head() -> None:
    assert verify_chain([], head_seq=0, head_hash=GENESIS_HASH).ok
    assert verify_chain([], head_seq=1, head_hash="x").problems == (
        "the chain ends at entry 0 but the head records entry 1",
    )


def test_changing_metadata_breaks_the_hash_and_a_recomputed_hash_breaks_the_next_link() -> None:
    entries = chain(3)
    forged_event = replace(entries[1].event, metadata={"i": 99})
    forged = replace(
        entries[1], event=forged_event, hash=entry_hash(entries[1].prev_hash, 2, forged_event)
    )
    report = verify_chain([entries[0], forged, entries[2]], head_seq=3, head_hash=entries[2].hash)
    assert report.problems == ("entry 3 does not link to the entry before it",)


def test_a_swapped_head_hash_is_caught() -> None:
    entries = chain(2)
    assert verify_chain(entries, head_seq=2, head_hash=entries[0].hash).problems == (
        "the last entry is not the one the head records",
    )
