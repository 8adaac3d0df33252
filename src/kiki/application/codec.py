"""Typed results to JSON text and back, exactly: what the idempotency store keeps."""

from __future__ import annotations

from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import ConfigDict, TypeAdapter

T = TypeVar("T")


class Codec(Generic[T]):
    """Encode a frozen result (dataclasses, Money, enums, aware datetimes) and decode it to an
    equal value; a replayed request renders exactly what the first one did."""

    def __init__(self, kind: Any) -> None:
        self._adapter: TypeAdapter[tuple[T]] = _adapter(kind)

    def encode(self, value: T) -> str:
        return self._adapter.dump_json((value,)).decode("utf-8")

    def decode(self, text: str) -> T:
        return self._adapter.validate_json(text)[0]


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    # A simulation's raw samples (a numpy array, kept only for a plot) are never in a stored
    # result: allowing arbitrary types lets the schema build, and None encodes as null. The
    # one-element tuple carries the config, which a dataclass given directly would refuse.
    return TypeAdapter(tuple[kind], config=ConfigDict(arbitrary_types_allowed=True))
