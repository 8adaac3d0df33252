"""The mirror's protobuf conversions: a BidStreamBatch into columns, decisions back out."""

from __future__ import annotations

import numpy as np

from kiki.core.errors import InvalidInputError
from kiki.synctwin.domain.mirror import MAX_SEQUENCE, DecisionBatch, EventBatch
from kiki.wire.gen import synctwin_pb2 as tw


def events_from(batch: tw.BidStreamBatch) -> EventBatch:
    """The batch's events as columns (one pass over the messages); InvalidInputError for a
    sequence of 2^53 or more or negative figures."""
    rows = [
        (
            e.campaign_id,
            e.sequence,
            e.total_spend_micros,
            e.conversions,
            e.revenue_micros,
            e.timestamp.seconds,
            e.timestamp.nanos,
        )
        for e in batch.events
    ]
    if not rows:
        return EventBatch([], *(np.zeros(0, dtype=t) for t in ("i8", "i8", "f8", "i8", "f8")))
    ids, seqs, spend, conversions, revenue, seconds, nanos = zip(*rows, strict=True)
    sequences = np.array(seqs, dtype=np.uint64)
    if int(sequences.max()) >= MAX_SEQUENCE:
        raise InvalidInputError("sequence", "must be below 2^53")
    return EventBatch(
        campaign_ids=list(ids),
        sequences=sequences.astype(np.int64),
        spend_micros=np.array(spend, dtype=np.int64),
        conversions=np.array(conversions, dtype=np.float64),
        revenue_micros=np.array(revenue, dtype=np.int64),
        at_s=np.array(seconds, dtype=np.float64) + np.array(nanos, dtype=np.float64) * 1e-9,
    )


def events_to(events: EventBatch) -> tw.BidStreamBatch:
    """The publisher's side: columns into one batch message."""
    out = tw.BidStreamBatch()
    add = out.events.add
    seconds = np.floor(events.at_s)
    nanos = np.rint((events.at_s - seconds) * 1e9).astype(np.int64)
    for c, s, sp, cv, rv, sec, ns in zip(
        events.campaign_ids,
        events.sequences.tolist(),
        events.spend_micros.tolist(),
        events.conversions.tolist(),
        events.revenue_micros.tolist(),
        seconds.astype(np.int64).tolist(),
        nanos.tolist(),
        strict=True,
    ):
        e = add(
            campaign_id=c,
            sequence=s,
            total_spend_micros=sp,
            conversions=cv,
            revenue_micros=rv,
        )
        e.timestamp.seconds = sec
        e.timestamp.nanos = min(ns, 999_999_999)
    return out


def decisions_to(decisions: DecisionBatch) -> tw.MirrorDecisionBatch:
    out = tw.MirrorDecisionBatch()
    add = out.decisions.add
    for c, s, p, d, a in zip(
        decisions.campaign_ids,
        decisions.sequences.tolist(),
        decisions.projected_revenue_micros.tolist(),
        decisions.deviations.tolist(),
        decisions.actions.tolist(),
        strict=True,
    ):
        add(campaign_id=c, sequence=s, projected_revenue_micros=p, deviation=d, action=a)
    return out
