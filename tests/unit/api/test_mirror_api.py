"""MirrorBidStream over gRPC: authenticated like every call, one decision per event in order,
another tenant's campaign indistinguishable from none, a bad sequence refused."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from kiki.api.grpc.server import build_server
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.wire.gen import synctwin_pb2 as tw
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc
from tests.unit.api.conftest import Service

CLIENT = "acme-shop"
DAY = 86_400


@pytest.fixture
def stub(service: Service) -> Iterator[tw_grpc.SyncTwinServiceStub]:
    server, port = build_server(service.tenancy, service.state, address="127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield tw_grpc.SyncTwinServiceStub(channel)
    finally:
        channel.close()
        server.stop(grace=None).wait()


def launched(service: Service) -> tuple[str, int, int]:
    """A campaign through the gate; its projected revenue a day, and its start (epoch s)."""
    service.services.record_baseline(
        CLIENT,
        Baseline.from_dict(
            {"avg_order_value": 85, "monthly_revenue": 60_000, "monthly_ad_spend": 20_000}
        ),
    )
    strategy = Strategy.from_dict({"audience_size": 50_000, "cvr": 0.02, "daily_budget": 800})
    outcome = service.services.launch(CLIENT, strategy)
    assert outcome.mirrored is not None
    assert outcome.campaign_id is not None
    p = outcome.mirrored
    return outcome.campaign_id, p.revenue_micros // p.days, int(p.started_at.timestamp())


def event(campaign_id: str, sequence: int, revenue: int, at_s: int) -> tw.BidStreamEvent:
    e = tw.BidStreamEvent(
        campaign_id=campaign_id,
        sequence=sequence,
        total_spend_micros=10**12,
        conversions=1_000,
        revenue_micros=revenue,
    )
    e.timestamp.seconds = at_s
    return e


def test_the_stream_answers_each_batch_in_order(
    service: Service, stub: tw_grpc.SyncTwinServiceStub
) -> None:
    campaign_id, per_day, start = launched(service)
    at = start + 3 * DAY
    batches = [
        tw.BidStreamBatch(events=[event(campaign_id, 1, 3 * per_day, at)]),
        tw.BidStreamBatch(
            events=[
                event(campaign_id, 2, 3 * per_day * 8 // 10, at + 60),
                event(campaign_id, 2, 0, at + 60),
                event(campaign_id, 3, 0, at + 120),
                event("nobody", 1, 0, at),
            ]
        ),
    ]
    auth = (("authorization", f"Bearer {service.acme_key}"),)
    answers = list(stub.MirrorBidStream(iter(batches), metadata=auth))
    actions = [[tw.MirrorAction.Name(d.action) for d in a.decisions] for a in answers]
    assert actions == [
        ["NONE"],
        ["ROLLED_BACK", "IGNORED_STALE", "ALREADY_ROLLED_BACK", "UNKNOWN_CAMPAIGN"],
    ]
    first = answers[1].decisions[0]
    assert (first.campaign_id, first.sequence) == (campaign_id, 2)
    assert first.projected_revenue_micros == pytest.approx(3 * per_day, rel=1e-3)  # a minute on
    assert first.deviation == pytest.approx(-0.2, abs=1e-3)

    other = (("authorization", f"Bearer {service.globex_key}"),)
    batch = tw.BidStreamBatch(events=[event(campaign_id, 9, 0, at)])
    [answer] = list(stub.MirrorBidStream(iter([batch]), metadata=other))
    assert [tw.MirrorAction.Name(d.action) for d in answer.decisions] == ["UNKNOWN_CAMPAIGN"]


def test_the_stream_needs_a_key_and_refuses_a_sequence_beyond_two_to_the_53(
    service: Service, stub: tw_grpc.SyncTwinServiceStub
) -> None:
    campaign_id, _, start = launched(service)
    batch = tw.BidStreamBatch(events=[event(campaign_id, 1, 0, start)])
    with pytest.raises(grpc.RpcError) as caught:
        list(stub.MirrorBidStream(iter([batch])))
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    auth = (("authorization", f"Bearer {service.acme_key}"),)
    huge = tw.BidStreamBatch(events=[event(campaign_id, 2**53, 0, start)])
    with pytest.raises(grpc.RpcError) as caught:
        list(stub.MirrorBidStream(iter([huge]), metadata=auth))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
