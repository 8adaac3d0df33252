"""The Ledger port on a remote SyncLedger (``KIKI_LEDGER_ADDR``)."""

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
from kiki.syncledger.errors import TransferConflictError
from kiki.syncledger.fencing import Lease
from kiki.syncledger.ledger import Transfer, reconciling_view
from kiki.wire.convert import instant_to, transfer_from, transfer_to
from kiki.wire.gen import budget_optimizer_pb2 as bo


class GrpcLedger:
    """Records with RecordBudgetReallocation and reads with ListBudgetReallocations.

    A transfer id reused with other content raises TransferConflictError, as in-process. Every
    other failure raises StorageError, which the optimiser already treats as "the ledger is
    down": that includes a client the remote does not hold for this API key, so that a cycle
    stops at its first ledger read rather than moving money it could not record.
    """

    def __init__(self, remote: RemoteService) -> None:
        self._remote = remote
        self._record = remote.method(
            "RecordBudgetReallocation", bo.BudgetReallocationRequest, bo.BudgetReallocationResponse
        )
        self._list = remote.method(
            "ListBudgetReallocations",
            bo.ListBudgetReallocationsRequest,
            bo.ListBudgetReallocationsResponse,
        )

    def record(self, transfer: Transfer, *, fence: Lease | None = None) -> bool:
        """A remote ledger cannot check the lease in its writing transaction: the cycle checks
        it just before (``Fence.check``), which narrows the window but does not close it. Run
        replicas against a local (SQL) ledger to have writes fenced."""
        del fence
        request = bo.BudgetReallocationRequest(transfer=transfer_to(transfer))
        return self._call(self._record, request, transfer.client_id).recorded

    def transfers(
        self,
        *,
        client_id: str | None = None,
        since: datetime | None = None,
        shift_id: str | None = None,
        reconciling: bool = False,
    ) -> list[Transfer]:
        """The wire filters by client and time; a shift and ``reconciling`` are applied here."""
        request = bo.ListBudgetReallocationsRequest(
            client_id=client_id or "",
            since_unix_micros=None if since is None else instant_to(since),
        )
        reply = self._call(self._list, request, client_id)
        found = [transfer_from(m) for m in reply.transfers]
        if shift_id is not None:
            found = [t for t in found if t.shift_id == shift_id]
        return reconciling_view(found) if reconciling else found

    def _call(self, invoke: Callable[[Req], Resp], request: Req, client_id: str | None) -> Resp:
        try:
            return invoke(request)
        except grpc.RpcError as exc:
            where = f"the ledger at {self._remote.address}"
            code = code_of(exc)
            if code is grpc.StatusCode.ALREADY_EXISTS:
                raise TransferConflictError(f"{where}: {describe(exc)}") from exc
            if code is grpc.StatusCode.NOT_FOUND:
                raise StorageError(
                    f"{where} holds no client {client_id!r} for this API key"
                ) from exc
            raise StorageError(f"{where} failed: {describe(exc)}") from exc
