"""A fake OAuth 2.0 token endpoint (the ``refresh_token`` grant Google and Microsoft use).

It issues access tokens that the platform fakes accept until ``Scenario.expire_tokens``; a
refresh then issues fresh ones. A wrong refresh token or client id gets ``invalid_grant``.
"""

from __future__ import annotations

import itertools
import threading

from kiki.core.platform import Platform
from kiki.testing.platforms.loopback import LoopbackServer, Request, Response
from kiki.testing.platforms.market import Scenario


class FakeTokenEndpoint:
    def __init__(
        self, scenario: Scenario, platform: Platform, *, client_id: str, refresh_token: str
    ) -> None:
        self.scenario = scenario
        self.platform = platform
        self.client_id = client_id
        self.refresh_token = refresh_token
        self.refreshes = 0
        self._issued: dict[str, int] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._serve)
        self.url = f"{self._server.url}/token"

    def valid(self, access_token: str) -> bool:
        """Whether ``access_token`` was issued here and has not expired since."""
        with self._lock:
            epoch = self._issued.get(access_token)
        return epoch is not None and epoch == self.scenario.token_epoch(self.platform)

    def issued(self) -> list[str]:
        with self._lock:
            return list(self._issued)

    def start(self) -> FakeTokenEndpoint:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def _serve(self, request: Request) -> Response:
        form = request.form
        if (
            request.method != "POST"
            or form.get("grant_type") != "refresh_token"
            or form.get("refresh_token") != self.refresh_token
            or form.get("client_id") != self.client_id
        ):
            refused = {"error": "invalid_grant", "error_description": "Bad Request"}
            return Response(status=400, body=refused)
        epoch = self.scenario.token_epoch(self.platform)
        token = f"{self.platform.name.lower()}-access-{epoch}-{next(self._numbers)}"
        with self._lock:
            self._issued[token] = epoch
            self.refreshes += 1
        body: dict[str, object] = {
            "access_token": token,
            "expires_in": 3599,
            "token_type": "Bearer",
            "refresh_token": self.refresh_token,
        }
        return Response(body=body)
