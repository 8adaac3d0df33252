"""RedisStateStore: the StateStore shared by every replica, with keys under one prefix."""

from __future__ import annotations

import secrets

import redis

from kiki.core.errors import StorageError

# Delete the lock only if we still hold it: an expired lock may belong to someone else now.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisStateStore:
    def __init__(self, client: redis.Redis, *, prefix: str = "kiki:") -> None:
        self._redis = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "kiki:") -> RedisStateStore:
        return cls(redis.Redis.from_url(url, decode_responses=True), prefix=prefix)

    def reachable(self) -> bool:
        """Whether Redis answers a PING now (for readiness probes)."""
        try:
            return bool(self._redis.ping())
        except redis.RedisError:
            return False

    def _key(self, key: str) -> str:
        return self._prefix + key

    def get(self, key: str) -> str | None:
        try:
            value = self._redis.get(self._key(key))
        except redis.RedisError as exc:
            raise StorageError(f"redis get failed: {exc}") from exc
        return None if value is None else str(value)

    def set(self, key: str, value: str, *, ttl_s: float | None = None) -> None:
        try:
            px = None if ttl_s is None else max(1, int(ttl_s * 1000))
            self._redis.set(self._key(key), value, px=px)
        except redis.RedisError as exc:
            raise StorageError(f"redis set failed: {exc}") from exc

    def delete(self, key: str) -> None:
        try:
            self._redis.delete(self._key(key))
        except redis.RedisError as exc:
            raise StorageError(f"redis delete failed: {exc}") from exc

    def acquire_lock(self, key: str, *, ttl_s: float) -> str | None:
        token = secrets.token_hex(16)
        try:
            taken = self._redis.set(self._key(key), token, nx=True, px=max(1, int(ttl_s * 1000)))
        except redis.RedisError as exc:
            raise StorageError(f"redis lock failed: {exc}") from exc
        return token if taken else None

    def release_lock(self, key: str, token: str) -> bool:
        try:
            released = self._redis.eval(_RELEASE, 1, self._key(key), token)
        except redis.RedisError as exc:
            raise StorageError(f"redis unlock failed: {exc}") from exc
        return bool(released)
