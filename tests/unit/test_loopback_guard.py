"""The test run's loopback guard refuses any connection past loopback, before it is tried."""

from __future__ import annotations

import socket

import pytest

from tests.loopback_guard import NonLoopbackConnectionError, allowed


def test_loopback_addresses_and_unix_sockets_are_allowed() -> None:
    assert allowed(socket.AF_INET, ("127.0.0.1", 80))
    assert allowed(socket.AF_INET, ("127.8.9.10", 80))
    assert allowed(socket.AF_INET6, ("::1", 80, 0, 0))
    assert allowed(socket.AF_INET, ("localhost", 5432))
    assert allowed(socket.AF_UNIX, "/run/postgresql/.s.PGSQL.5432")


def test_every_other_address_or_name_is_refused() -> None:
    assert not allowed(socket.AF_INET, ("192.0.2.1", 443))  # TEST-NET-1
    assert not allowed(socket.AF_INET, ("10.0.0.1", 443))
    assert not allowed(socket.AF_INET6, ("2001:db8::1", 443, 0, 0))
    assert not allowed(socket.AF_INET, ("graph.facebook.com", 443))


def test_a_connection_past_loopback_raises_before_any_packet_is_sent() -> None:
    # TEST-NET-1 is never routed; the guard raises before connect() is reached at all
    with pytest.raises(NonLoopbackConnectionError, match=r"192\.0\.2\.1"):
        socket.create_connection(("192.0.2.1", 443), timeout=0.001)
