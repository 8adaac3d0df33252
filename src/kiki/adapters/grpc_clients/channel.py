"""What the gRPC client adapters share: the channel, typed calls that carry the API key and a
deadline, and the wire form of instants (platforms travel by enum name, e.g. PLATFORM_META)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, Self, TypeVar

import grpc

from kiki.wire.gen import budget_optimizer_pb2 as bo

_SERVICE = bo.DESCRIPTOR.services_by_name["BudgetOptimizerService"]


class _Message(Protocol):
    def SerializeToString(self, *, deterministic: bool = ...) -> bytes: ...  # noqa: N802  # protobuf's name

    @classmethod
    def FromString(cls, s: bytes) -> Self: ...  # noqa: N802


Req = TypeVar("Req", bound=_Message)
Resp = TypeVar("Resp", bound=_Message)


def open_channel(address: str) -> grpc.Channel:
    """An insecure channel to ``host:port`` (loopback or a private network; no TLS yet)."""
    return grpc.insecure_channel(address)


@dataclass(frozen=True, slots=True)
class RemoteService:
    """The remote BudgetOptimizerService at ``address``, called as the tenant of ``api_key``.

    Every call has a deadline of ``timeout_s`` seconds and fails fast (UNAVAILABLE) when the
    server is down rather than waiting for it.
    """

    channel: grpc.Channel
    api_key: str
    address: str = "remote"
    timeout_s: float = 5.0

    def method(
        self, name: str, request_type: type[Req], response_type: type[Resp]
    ) -> Callable[[Req], Resp]:
        """The unary method ``name``; a KeyError here means the proto has no such method."""
        method = _SERVICE.methods_by_name[name]
        call: grpc.UnaryUnaryMultiCallable[Req, Resp] = self.channel.unary_unary(
            f"/{_SERVICE.full_name}/{method.name}",
            request_serializer=request_type.SerializeToString,
            response_deserializer=response_type.FromString,
        )
        metadata = (("authorization", f"Bearer {self.api_key}"),)
        timeout_s = self.timeout_s

        def invoke(request: Req) -> Resp:
            return call(request, timeout=timeout_s, metadata=metadata)

        return invoke


def describe(exc: grpc.RpcError) -> str:
    """``CODE: details`` of a failed call (every RpcError from a unary call is also a Call)."""
    if isinstance(exc, grpc.Call):
        return f"{exc.code().name}: {exc.details()}"
    return repr(exc)  # pragma: no cover  # grpc raises Call errors for unary calls


def code_of(exc: grpc.RpcError) -> grpc.StatusCode | None:
    return exc.code() if isinstance(exc, grpc.Call) else None
