"""The StateStore port on the in-process store and on the real Redis."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest

from kiki.adapters.memory.state import InMemoryStateStore
from kiki.adapters.redis.state import RedisStateStore
from kiki.core.clock import SystemClock
from kiki.core.state import StateStore


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store(request: pytest.FixtureRequest) -> Iterator[StateStore]:
    if request.param == "memory":
        yield InMemoryStateStore(SystemClock())
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"kiki-test-{secrets.token_hex(4)}:"
    redis_store = RedisStateStore.from_url(url, prefix=prefix)
    yield redis_store
    client = redis_store._redis  # test clean-up of its own prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_values_are_set_read_and_deleted(store: StateStore) -> None:
    assert store.get("k") is None
    store.set("k", "v1")
    store.set("k", "v2")
    assert store.get("k") == "v2"
    store.delete("k")
    assert store.get("k") is None


def test_values_expire(store: StateStore) -> None:
    store.set("k", "v", ttl_s=0.05)
    time.sleep(0.15)  # real expiry on a real clock; not a timing assertion
    assert store.get("k") is None


def test_a_lock_is_exclusive_until_released_by_its_holder(store: StateStore) -> None:
    token = store.acquire_lock("lock", ttl_s=10)
    assert token is not None
    assert store.acquire_lock("lock", ttl_s=10) is None
    assert store.release_lock("lock", "someone-else") is False
    assert store.acquire_lock("lock", ttl_s=10) is None
    assert store.release_lock("lock", token) is True
    assert store.acquire_lock("lock", ttl_s=10) is not None


def test_an_expired_lock_can_be_taken_and_the_old_holder_cannot_release_it(
    store: StateStore,
) -> None:
    old = store.acquire_lock("lock", ttl_s=0.05)
    assert old is not None
    time.sleep(0.15)
    new = store.acquire_lock("lock", ttl_s=10)
    assert new is not None
    assert store.release_lock("lock", old) is False
    assert store.acquire_lock("lock", ttl_s=10) is None
