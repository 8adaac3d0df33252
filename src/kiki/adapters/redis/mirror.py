"""RedisMirrorState and RedisMirrorStream: the mirror's state in the seed's Redis hashes and
its events in Redis Streams, one round trip per batch.

``campaign:{id}:mirror_state`` holds the last event taken (``sequence``, ``total_spend_micros``,
``conversions``, ``revenue_micros``, ``timestamp``) with its ``deviation`` and the
``projected_revenue_micros`` it was compared with; ``campaign:{id}:projected_state`` holds the
projection (``started_at``, ``days``, ``total_revenue_micros``, ``total_spend_micros``,
``total_conversions``), written once when the campaign is first watched (the time-aligned
figures follow from it), all under the key prefix. A batch is taken by one Lua script: it
compares each event's sequence with the stored one and writes the mirror state only when it is
newer, atomically, so consumers racing on a campaign never both take one event. Keys are built
in the script from the prefix (a single Redis, not a cluster). Numbers cross as packed doubles:
exact for integers below 2^53.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import redis

from kiki.campaigns.projection import Projection
from kiki.core.errors import StorageError
from kiki.synctwin.domain.mirror import EventBatch
from kiki.synctwin.mirror_ports import Delivery, MirrorRows, MirrorState

_ADVANCE = """
local prefix, blob = ARGV[1], ARGV[3]
local out, pos, i = {}, 1, 0
local int, str = string.format, tostring
for cid in string.gmatch(ARGV[2], '[^\\n]+') do
  i = i + 1
  local seq, spend, conv, rev, at, dev, prev
  seq, spend, conv, rev, at, dev, prev, pos = struct.unpack('<ddddddd', blob, pos)
  local key = prefix .. 'campaign:' .. cid .. ':mirror_state'
  local last = tonumber(redis.call('HGET', key, 'sequence') or '-1')
  if seq > last then
    redis.call('HSET', key, 'sequence', int('%d', seq), 'total_spend_micros', int('%d', spend),
      'conversions', str(conv), 'revenue_micros', int('%d', rev), 'timestamp', str(at),
      'deviation', str(dev), 'projected_revenue_micros', int('%d', prev))
    out[i] = '1'
  else
    out[i] = '0'
  end
end
return table.concat(out)
"""


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=5)


class RedisMirrorState:
    """Implements MirrorStateStore on Redis hashes."""

    def __init__(self, client: redis.Redis, *, prefix: str = "kiki:") -> None:
        self._redis = client
        self._prefix = prefix
        self._advance = client.register_script(_ADVANCE)

    def watch(self, campaign_id: str, projection: Projection | None) -> None:
        key = f"{self._prefix}campaign:{campaign_id}:projected_state"
        fields: dict[str | bytes, str | int | float | bytes] = {
            "projected": int(projection is not None)
        }
        if projection is not None:
            fields |= {
                "started_at": projection.started_at.isoformat(),
                "days": projection.days,
                "total_revenue_micros": projection.revenue_micros,
                "total_spend_micros": projection.spend_micros,
                "total_conversions": repr(projection.conversions),
            }
        with _Translated("watching a campaign"):
            self._redis.hset(key, mapping=fields)  # type: ignore[arg-type]  # redis' Mapping is invariant

    def advance(self, rows: MirrorRows) -> npt.NDArray[np.bool_]:
        e = rows.events
        packed = np.empty((len(e), 7), dtype="<f8")
        packed[:, 0] = e.sequences
        packed[:, 1] = e.spend_micros
        packed[:, 2] = e.conversions
        packed[:, 3] = e.revenue_micros
        packed[:, 4] = e.at_s
        packed[:, 5] = rows.deviations
        packed[:, 6] = rows.projected_revenue_micros
        with _Translated("advancing the mirror"):
            answer = self._advance(args=[self._prefix, "\n".join(e.campaign_ids), packed.tobytes()])
        taken: npt.NDArray[np.bool_] = np.frombuffer(bytes(answer), dtype=np.uint8) == ord("1")
        return taken

    def state(self, campaign_id: str) -> MirrorState | None:
        key = f"{self._prefix}campaign:{campaign_id}:mirror_state"
        with _Translated("reading the mirror"):
            raw = self._redis.hgetall(key)
        if not raw:
            return None
        h = {_text(k): _text(v) for k, v in raw.items()}
        return MirrorState(
            campaign_id=campaign_id,
            sequence=int(h["sequence"]),
            spend_micros=int(h["total_spend_micros"]),
            conversions=float(h["conversions"]),
            revenue_micros=int(h["revenue_micros"]),
            at_s=float(h["timestamp"]),
            deviation=float(h["deviation"]),
            projected_revenue_micros=int(h["projected_revenue_micros"]),
        )


class RedisMirrorStream:
    """Implements MirrorStream: ``partitions`` streams ``{prefix}mirror:events:{p}``; a campaign
    always goes to the partition its id hashes to (crc32), so its events stay in order."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "kiki:",
        partitions: int = 4,
        claim_idle_s: float = 30.0,
    ) -> None:
        self._redis = client
        self._streams = [f"{prefix}mirror:events:{p}" for p in range(partitions)]
        self._claim_idle_ms = int(claim_idle_s * 1000)
        self._groups: set[str] = set()

    @property
    def streams(self) -> list[str]:
        return list(self._streams)

    def publish(self, events: EventBatch) -> int:
        n = len(self._streams)
        parts = np.fromiter(
            (zlib.crc32(c.encode()) % n for c in events.campaign_ids),
            dtype=np.int64,
            count=len(events),
        )
        pipe = self._redis.pipeline(transaction=False)
        entries = 0
        for p in np.unique(parts).tolist():
            chosen = parts == p
            ids = [c for c, k in zip(events.campaign_ids, chosen.tolist(), strict=True) if k]
            pipe.xadd(self._streams[p], _entry(ids, events, chosen))  # type: ignore[arg-type]
            entries += 1
        with _Translated("publishing mirror events"):
            pipe.execute()
        return entries

    def take(self, *, group: str, consumer: str, count: int, block_s: float) -> Delivery | None:
        self._ensure(group)
        with _Translated("taking mirror events"):
            for stream in self._streams:  # a dead consumer's pending entries first
                answer = self._redis.xautoclaim(
                    stream, group, consumer, self._claim_idle_ms, "0-0", count=count
                )
                claimed = [(stream, entry) for entry in answer[1] if entry[1]]
                if claimed:
                    return _delivery(claimed)
            read = self._redis.xreadgroup(
                group,
                consumer,
                dict.fromkeys(self._streams, ">"),
                count=count,
                block=max(1, int(block_s * 1000)),
            )
        answered: list[Any] = list(read or [])
        taken = [
            (_text(name), entry) for name, entries in answered for entry in entries if entry[1]
        ]
        return _delivery(taken) if taken else None

    def ack(self, *, group: str, delivery: Delivery) -> None:
        by_stream: dict[str, list[str]] = {}
        for stream, entry_id in delivery.receipts:
            by_stream.setdefault(stream, []).append(entry_id)
        pipe = self._redis.pipeline(transaction=False)
        for stream, ids in by_stream.items():
            pipe.xack(stream, group, *ids)
        with _Translated("acknowledging mirror events"):
            pipe.execute()

    def pending(self, group: str) -> int:
        """Entries delivered to the group's consumers and not acknowledged."""
        total = 0
        with _Translated("reading the pending entries"):
            for stream in self._streams:
                try:
                    total += int(self._redis.xpending(stream, group)["pending"])
                except redis.ResponseError:
                    continue
        return total

    def _ensure(self, group: str) -> None:
        if group in self._groups:
            return
        with _Translated("creating the consumer group"):
            for stream in self._streams:
                try:
                    self._redis.xgroup_create(stream, group, id="0", mkstream=True)
                except redis.ResponseError as exc:
                    if "BUSYGROUP" not in str(exc):
                        raise
        self._groups.add(group)


_COLUMNS = (("seq", "<i8"), ("spend", "<i8"), ("conv", "<f8"), ("rev", "<i8"), ("at", "<f8"))


def _entry(ids: list[str], events: EventBatch, chosen: npt.NDArray[np.bool_]) -> dict[str, Any]:
    return {
        "ids": "\n".join(ids),
        "seq": events.sequences[chosen].astype("<i8").tobytes(),
        "spend": events.spend_micros[chosen].astype("<i8").tobytes(),
        "conv": events.conversions[chosen].astype("<f8").tobytes(),
        "rev": events.revenue_micros[chosen].astype("<i8").tobytes(),
        "at": events.at_s[chosen].astype("<f8").tobytes(),
    }


def _delivery(entries: Sequence[tuple[str, Any]]) -> Delivery:
    ids: list[str] = []
    columns: dict[str, list[npt.NDArray[Any]]] = {name: [] for name, _ in _COLUMNS}
    receipts = []
    for stream, (entry_id, fields) in entries:
        receipts.append((stream, entry_id.decode() if isinstance(entry_id, bytes) else entry_id))
        ids += fields[b"ids"].decode().split("\n")
        for name, dtype in _COLUMNS:
            columns[name].append(np.frombuffer(fields[name.encode()], dtype=dtype))
    joined = {name: np.concatenate(parts) for name, parts in columns.items()}
    events = EventBatch(
        campaign_ids=ids,
        sequences=joined["seq"].astype(np.int64),
        spend_micros=joined["spend"].astype(np.int64),
        conversions=joined["conv"].astype(np.float64),
        revenue_micros=joined["rev"].astype(np.int64),
        at_s=joined["at"].astype(np.float64),
    )
    return Delivery(events, tuple(receipts))


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class _Translated:
    """Redis' errors as StorageError (a context manager)."""

    def __init__(self, doing: str) -> None:
        self._doing = doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, redis.RedisError):
            raise StorageError(f"Redis, {self._doing}: {exc}") from exc
