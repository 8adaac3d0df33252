"""Remote KIKI components over gRPC (kiki.v1.BudgetOptimizerService), behind the same ports.

``GrpcValueSource`` (SyncValue), ``GrpcLedger`` (SyncLedger) and ``GrpcNotifier`` (SyncNotify)
each call a ``kiki serve`` elsewhere with one tenant's API key and a deadline on every call.
"""

from kiki.adapters.grpc_clients.channel import RemoteService, open_channel
from kiki.adapters.grpc_clients.ledger import GrpcLedger
from kiki.adapters.grpc_clients.notify import GrpcNotifier
from kiki.adapters.grpc_clients.values import GrpcValueSource

__all__ = ["GrpcLedger", "GrpcNotifier", "GrpcValueSource", "RemoteService", "open_channel"]
