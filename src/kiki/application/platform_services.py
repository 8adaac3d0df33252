"""Connections: which adapter and ad account serve each of a client's platforms; and the check
that reads each connected account once. Connecting and disconnecting are audited (the
adapter, the account and the credentials' name; never a credential)."""

from __future__ import annotations

from dataclasses import dataclass

from kiki.application import inputs
from kiki.application.base import ServicesBase
from kiki.core.errors import ConfigurationError, InvalidInputError
from kiki.core.platform import Platform
from kiki.platforms.checks import PlatformCheck, check_accounts
from kiki.platforms.connections import Connection, ConnectionBook, check_credentials_name
from kiki.platforms.errors import UnknownClientError
from kiki.syncshield.chain import AuditEvent

PLATFORM_CONNECTED = "PLATFORM_CONNECTED"
PLATFORM_DISCONNECTED = "PLATFORM_DISCONNECTED"


@dataclass(frozen=True, slots=True)
class Connected:
    connection: Connection
    replaced: Connection | None  # the connection it took the place of


class PlatformServices(ServicesBase):
    def connect(
        self,
        client_id: str,
        platform: Platform | str,
        *,
        adapter: str,
        account: str,
        credentials: str | None = None,
    ) -> Connected:
        p = self.ports
        client_id = inputs.check_client(client_id)
        platform = Platform.parse(platform)
        name = (adapter or "").strip().lower()
        kind = p.adapter_kinds.get(name)
        if kind is None:
            known = ", ".join(sorted(p.adapter_kinds))
            raise InvalidInputError("adapter", f"unknown adapter {adapter!r} (one of {known})")
        connection = Connection(
            client_id=client_id,
            platform=platform,
            adapter=name,
            account_id=kind.check(platform, account, client_id),
            credentials=check_credentials_name(credentials),
            connected_at=p.clock.now(),
        )
        replaced = self._book().connect(connection)
        self._audit(PLATFORM_CONNECTED, connection)
        return Connected(connection, replaced)

    def disconnect(self, client_id: str, platform: Platform | str) -> Connection:
        """Forget the connection (the platform goes back to the default adapter);
        UnknownClientError when there is none."""
        client_id = inputs.check_client(client_id)
        platform = Platform.parse(platform)
        removed = self._book().disconnect(client_id, platform)
        if removed is None:
            raise UnknownClientError(
                f"client {client_id!r} has no {platform.display_name} connection"
            )
        self._audit(PLATFORM_DISCONNECTED, removed)
        return removed

    def connections(self, client_id: str | None = None) -> list[Connection]:
        if client_id is not None:
            client_id = inputs.check_client(client_id)
        found = self._book().of(client_id)
        if client_id is not None and not found:
            self.require_client(client_id)  # an unknown client is said, not an empty list
        return found

    def check_platforms(self, client_id: str) -> PlatformCheck:
        client_id = inputs.check_client(client_id)
        if not self._book().of(client_id):
            self.require_client(client_id)
        return check_accounts(client_id, connections=self._book(), reader=self.ports.gateway)

    def _book(self) -> ConnectionBook:
        if self.ports.connections is None:
            raise ConfigurationError("this build keeps no platform connections")
        return self.ports.connections

    def _audit(self, event_type: str, connection: Connection) -> None:
        self.ports.audit.append(
            AuditEvent(
                event_type=event_type,
                at=self.ports.clock.now(),
                client_id=connection.client_id,
                metadata={
                    "platform": connection.platform.value,
                    "adapter": connection.adapter,
                    "account_id": connection.account_id,
                    "credentials": connection.credentials,
                },
            )
        )
