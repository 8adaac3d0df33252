"""The mirror with its state in Redis (the seed's hashes): exactly one rollback, and a restart
of the application between the crossing and the next events rolls back nothing more."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from kiki.synctwin.domain.mirror import MirrorAction
from tests.unit.synctwin.test_mirror import Feed, harness, launch, rollbacks

pytestmark = pytest.mark.redis


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    chosen = f"test:{secrets.token_hex(4)}:"
    yield chosen
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{chosen}*"):
        client.delete(key)
    client.close()


def test_the_seeds_hashes_hold_the_mirror_and_one_rollback_survives_a_restart(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    settings = {"redis_url": redis_url, "redis_key_prefix": prefix}
    h = harness(tmp_path, **settings)
    campaign_id, projection = launch(h)
    feed = Feed(h, campaign_id, projection)
    assert feed.send(feed.event(day=1.5, ratio=1.02)) == [MirrorAction.NONE]
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    mirror = client.hgetall(f"{prefix}campaign:{campaign_id}:mirror_state")
    projected = client.hgetall(f"{prefix}campaign:{campaign_id}:projected_state")
    assert mirror["sequence"] == "1"
    assert int(mirror["revenue_micros"]) == round(projection.revenue_micros * 1.5 / 30 * 1.02)
    assert int(projected["total_revenue_micros"]) == projection.revenue_micros
    assert projected["days"] == "30"

    assert feed.send(feed.event(day=2, ratio=0.8), feed.event(day=2.1, ratio=0.7)) == [
        MirrorAction.ROLLED_BACK,
        MirrorAction.ALREADY_ROLLED_BACK,
    ]
    store = h.services.ports.sandbox._store  # type: ignore[union-attr]  # the platform's state
    h.close()

    again = harness(tmp_path, store, **settings)
    feed.h = again
    stale = feed.event(day=2.05, ratio=0.5, sequence=2)  # Redis remembers sequence 3
    assert feed.send(stale) == [MirrorAction.IGNORED_STALE]
    later = [feed.event(day=2.2 + i / 10, ratio=0.7) for i in range(10)]
    assert set(feed.send(*later)) == {MirrorAction.ALREADY_ROLLED_BACK}
    assert rollbacks(again) == (1, 1, 0)
    assert client.hget(f"{prefix}campaign:{campaign_id}:mirror_state", "sequence") == "13"
    client.close()
