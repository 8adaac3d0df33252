"""The shape of bootstrap's adapter registry, and the set of adapters one build has made.

``GatewayKind`` says how to build an adapter, which platforms it serves and how it writes an
account id; ``AdapterSet`` builds each adapter the first time a connection (or the default)
needs it, and closes them all with the app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kiki.core.clock import Clock
from kiki.core.errors import ConfigurationError
from kiki.core.platform import Platform
from kiki.platforms.connections import AdapterKind, ConnectionLookup
from kiki.platforms.ports import Gateway
from kiki.platforms.routing import LtvSource
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.settings import Settings


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class PlatformAdapters:
    """What a gateway factory gives bootstrap: the gateway, its fallback LTV model, and the
    sandbox's own controls when the adapter is the sandbox."""

    gateway: Gateway
    ltv_fallback: LtvSource
    sandbox: SandboxPlatform | None
    close: Callable[[], None] = _nothing


GatewayFactory = Callable[[Settings, Clock, ConnectionLookup], PlatformAdapters]


@dataclass(frozen=True)
class GatewayKind:
    build: GatewayFactory
    platforms: frozenset[Platform] | None  # None: any platform
    account: Callable[[str, str], str]  # (account, client_id) -> the account id kept

    def kind(self, name: str) -> AdapterKind:
        return AdapterKind(name, self.platforms, self.account)


class AdapterSet:
    """The adapters of one build, each made on first use; thread-safe."""

    def __init__(
        self,
        kinds: Mapping[str, GatewayKind],
        settings: Settings,
        clock: Clock,
        connections: ConnectionLookup,
    ) -> None:
        self._kinds = kinds
        self._settings = settings
        self._clock = clock
        self._connections = connections
        self._built: dict[str, PlatformAdapters] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> PlatformAdapters:
        with self._lock:
            found = self._built.get(name)
            if found is None:
                kind = self._kinds.get(name)
                if kind is None:
                    known = ", ".join(sorted(self._kinds))
                    raise ConfigurationError(f"unknown platform adapter {name!r}; known: {known}")
                found = kind.build(self._settings, self._clock, self._connections)
                self._built[name] = found
            return found

    def gateway(self, name: str) -> Gateway:
        return self.get(name).gateway

    def values(self, name: str) -> LtvSource:
        return self.get(name).ltv_fallback

    def close(self) -> None:
        with self._lock:
            built, self._built = list(self._built.values()), {}
        for adapters in built:
            adapters.close()
