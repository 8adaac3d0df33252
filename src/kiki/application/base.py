"""What every area of ``Services`` shares: the ports, the values policy, and knowing a client."""

from __future__ import annotations

import threading
from collections import defaultdict

from kiki.application.ports import Ports
from kiki.application.values import ClientValues


class ServicesBase:
    """The ports bootstrap chose, and the per-client locks cycles in this process queue on."""

    def __init__(self, ports: Ports, values: ClientValues) -> None:
        self.ports = ports
        self.values = values
        self._client_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    def require_client(self, client_id: str) -> str:
        """``client_id`` if KIKI knows it (attached to a tenant or with ad accounts);
        UnknownClientError otherwise."""
        if self.ports.directory.owner(client_id) is not None:
            return client_id
        self.ports.gateway.platforms(client_id)  # raises UnknownClientError
        return client_id
