"""The test run's guard: a socket connection to anything but loopback (or a Unix socket) raises
``NonLoopbackConnectionError`` before it is attempted.

It wraps ``socket.socket.connect`` and ``connect_ex``, which every Python client uses
(requests, httpx, urllib3, psycopg's Python paths, redis-py). gRPC's C core opens its own
sockets and is not seen here: the Google adapter's endpoint is a setting the tests point at
the fake on ``localhost``.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class NonLoopbackConnectionError(PermissionError):
    """A test tried to reach past loopback (an OSError, so that socket helpers close the
    socket they opened before passing it on)."""


def allowed(family: int, address: Any) -> bool:
    """Whether a connection to ``address`` stays on this machine."""
    if family == getattr(socket, "AF_UNIX", None):
        return True
    if not isinstance(address, tuple) or not address:
        return False
    host = str(address[0]).split("%", 1)[0]
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost: resolving it could already leave loopback


def guard_sockets() -> None:
    """Install the guard once for this process."""
    if getattr(socket.socket.connect, "_loopback_guard", False):
        return
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: Any) -> None:
        _check(self, address)
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        _check(self, address)
        return connect_ex(self, address)

    guarded_connect._loopback_guard = True  # type: ignore[attr-defined]
    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]


def _check(sock: socket.socket, address: Any) -> None:
    if not allowed(sock.family, address):
        raise NonLoopbackConnectionError(
            f"tests stay on loopback; refused a connection to {address!r}"
        )
