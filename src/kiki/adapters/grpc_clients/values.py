"""SyncFlow's ValueSource from a remote SyncValue (``SYNCVALUE_ADDR``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import grpc

from kiki.adapters.grpc_clients.channel import (
    RemoteService,
    Req,
    Resp,
    code_of,
    describe,
)
from kiki.core.errors import StorageError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import UnknownClientError
from kiki.wire.convert import instant_to
from kiki.wire.gen import budget_optimizer_pb2 as bo


class GrpcValueSource:
    """LTV and CAC from GetPlatformLTV / GetPlatformCAC.

    A client the remote does not hold for this API key raises UnknownClientError (as the
    in-process sources do for a client they do not know); any other failure, including a missed
    deadline, raises StorageError. The optimiser leaves such a platform out of the cycle.
    """

    def __init__(self, remote: RemoteService) -> None:
        self._remote = remote
        self._ltv = remote.method("GetPlatformLTV", bo.PlatformLTVRequest, bo.PlatformLTVResponse)
        self._cac = remote.method("GetPlatformCAC", bo.PlatformCACRequest, bo.PlatformCACResponse)

    def platform_ltv(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        request = bo.PlatformLTVRequest(
            client_id=client_id,
            platform=platform.value,
            lookback_days=lookback_days,
            as_of_unix_micros=instant_to(as_of),
        )
        reply = self._call(self._ltv, request, client_id)
        return Money(reply.ltv_micros) if reply.HasField("ltv_micros") else None

    def platform_cac(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        request = bo.PlatformCACRequest(
            client_id=client_id,
            platform=platform.value,
            lookback_days=lookback_days,
            as_of_unix_micros=instant_to(as_of),
        )
        reply = self._call(self._cac, request, client_id)
        return Money(reply.cac_micros) if reply.HasField("cac_micros") else None

    def _call(self, invoke: Callable[[Req], Resp], request: Req, client_id: str) -> Resp:
        try:
            return invoke(request)
        except grpc.RpcError as exc:
            if code_of(exc) is grpc.StatusCode.NOT_FOUND:
                raise UnknownClientError(
                    f"the SyncValue at {self._remote.address} holds no client {client_id!r} "
                    "for this API key"
                ) from exc
            raise StorageError(
                f"the SyncValue at {self._remote.address} failed: {describe(exc)}"
            ) from exc
