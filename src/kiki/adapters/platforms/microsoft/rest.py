"""Calls to Microsoft Advertising's REST API (v13: Campaign Management and Reporting) with
httpx, in the JSON shapes Microsoft's ``msads`` SDK sends, and its faults translated.

Why not the ``msads`` SDK itself: constructing its ``ServiceClient`` replaces
``pydantic.BaseModel.__getattr__``/``__setattr__`` for the whole process (KIKI's frozen
settings and API models would silently accept writes), its urllib3 pool replays a PUT on a
dropped connection by itself, it swallows polling errors, and it refuses a whole answer over
one enum value it does not know. The wire is the same: ``Authorization: Bearer``,
``DeveloperToken``, ``CustomerId`` and ``CustomerAccountId`` headers; faults
``{"Type": "AdApiFaultDetail" | "ApiFaultDetail", "Errors" | "OperationErrors": […]}``.
The access token comes from the OAuth ``refresh_token`` grant and is refreshed when it expires
or when the API says it has.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiki.adapters.platforms.retry import RetryableError, RetryPolicy, call_with_retries
from kiki.core.clock import Clock
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError, PlatformDataError, UnknownClientError

MICROSOFT = Platform.MICROSOFT
SCOPE = "https://ads.microsoft.com/msads.manage offline_access"
CAMPAIGNS = "/CampaignManagement/v13/Campaigns"
_BAD_TOKEN = frozenset({105, 109, 119, 120})  # invalid credentials, token expired or refused
_NO_ACCESS = frozenset({106, 1030, 1033})  # not authorised, account not found or not yours
_THROTTLED = 117  # CallRateExceeded


@dataclass(frozen=True)
class MicrosoftOAuth:
    developer_token: str
    client_id: str
    client_secret: str | None
    refresh_token: str
    customer_id: str | None


class AdsRest:
    """One set of credentials' view of the Microsoft Advertising REST API."""

    def __init__(
        self,
        oauth: MicrosoftOAuth,
        *,
        ads_url: str,
        reporting_url: str,
        token_url: str,
        timeout_s: float,
        policy: RetryPolicy,
        clock: Clock,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx  # noqa: PLC0415  # kiki[microsoft], lazily

        self._oauth = oauth
        self.ads_url = ads_url.rstrip("/")
        self.reporting_url = reporting_url.rstrip("/")
        self._token_url = token_url
        self._http = httpx.Client(timeout=timeout_s, trust_env=False)
        self._policy = policy
        self._clock = clock
        self._sleep = sleep
        self._token: str | None = None
        self._token_until = 0.0
        self._lock = threading.Lock()
        self.calls = 0

    def close(self) -> None:
        self._http.close()

    def call(
        self,
        method: str,
        url: str,
        body: Mapping[str, Any],
        *,
        account_id: str,
        operation: str,
        confirm: Callable[[], bool] | None = None,
    ) -> dict[str, Any]:
        """One API call (retried under the policy); ``confirm`` settles an unknown write."""
        refreshed = False

        def attempt() -> dict[str, Any]:
            nonlocal refreshed
            try:
                return self._once(method, url, body, account_id, operation)
            except PlatformAuthError as exc:
                if exc.problem != "bad token" or refreshed:
                    raise
                refreshed = True  # the token may have expired early: refresh once, again
                with self._lock:
                    self._token = None
                return self._once(method, url, body, account_id, operation)

        def settle() -> dict[str, Any] | None:
            return {} if confirm is not None and confirm() else None

        return call_with_retries(
            attempt,
            platform=MICROSOFT,
            operation=operation,
            policy=self._policy,
            sleep=self._sleep,
            settle=settle if confirm is not None else None,
        )

    def download(self, url: str, operation: str) -> bytes:
        """A report file: a plain GET of its pre-signed URL, without the API's headers."""

        def once() -> bytes:
            import httpx  # noqa: PLC0415

            self.calls += 1
            try:
                response = self._http.get(url)
            except httpx.TransportError:
                raise RetryableError(f"{operation}: the report file is unreachable") from None
            if response.status_code >= 500 or response.status_code == 429:
                raise RetryableError(f"{operation}: HTTP {response.status_code}")
            if response.status_code >= 400:
                raise PlatformDataError(f"{operation}: HTTP {response.status_code}")
            return response.content

        return call_with_retries(
            once, platform=MICROSOFT, operation=operation, policy=self._policy, sleep=self._sleep
        )

    def _once(
        self, method: str, url: str, body: Mapping[str, Any], account_id: str, operation: str
    ) -> dict[str, Any]:
        import httpx  # noqa: PLC0415

        headers = {
            "Authorization": f"Bearer {self._access_token()}",
            "DeveloperToken": self._oauth.developer_token,
            "CustomerAccountId": account_id,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if self._oauth.customer_id:
            headers["CustomerId"] = self._oauth.customer_id
        self.calls += 1
        try:
            response = self._http.request(method, url, json=dict(body), headers=headers)
        except httpx.TimeoutException:
            raise RetryableError(
                f"{operation} timed out", unknown_outcome=method in ("PUT", "POST")
            ) from None
        except httpx.TransportError:
            raise RetryableError(f"{operation}: Microsoft Advertising unreachable") from None
        return _answer(response, operation)

    def _access_token(self) -> str:
        with self._lock:
            if self._token is not None and self._clock.monotonic() < self._token_until:
                return self._token
        token, lifetime_s = self._refresh()
        with self._lock:
            self._token = token
            self._token_until = self._clock.monotonic() + max(0.0, lifetime_s - 60.0)
        return token

    def _refresh(self) -> tuple[str, float]:
        import httpx  # noqa: PLC0415

        form = {
            "grant_type": "refresh_token",
            "client_id": self._oauth.client_id,
            "refresh_token": self._oauth.refresh_token,
            "scope": SCOPE,
        }
        if self._oauth.client_secret:
            form["client_secret"] = self._oauth.client_secret
        self.calls += 1
        try:
            response = self._http.post(self._token_url, data=form)
        except httpx.TransportError:
            raise RetryableError("the OAuth token endpoint is unreachable") from None
        if response.status_code >= 500:
            raise RetryableError(f"the OAuth token endpoint answered {response.status_code}")
        body = _json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(token, str):
            error = body.get("error") if isinstance(body, dict) else None
            raise PlatformAuthError(
                MICROSOFT,
                "bad token",
                f"the OAuth refresh was refused ({error or response.status_code}); renew the "
                "refresh token (KIKI_MICROSOFT_REFRESH_TOKEN or the secrets file)",
            )
        return token, float(body.get("expires_in") or 3600)


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _answer(response: Any, operation: str) -> dict[str, Any]:
    status = response.status_code
    body = _json(response)
    if status < 400 and isinstance(body, dict):
        return body
    errors = _errors(body)
    codes = {e.get("Code") for e in errors}
    said = f"{operation}: Microsoft " + (
        "; ".join(f"{e.get('Code')} {e.get('ErrorCode')}: {e.get('Message')}" for e in errors)
        or f"HTTP {status}"
    )
    if codes & _BAD_TOKEN or (status == 401 and not errors):
        return _raise(PlatformAuthError(MICROSOFT, "bad token", f"{said}; check the credentials"))
    if codes & _NO_ACCESS or status == 403:
        return _raise(
            PlatformAuthError(MICROSOFT, "no access", f"{said}; give the user the account")
        )
    if status == 429 or _THROTTLED in codes or status >= 500:
        raise RetryableError(said, retry_after_s=_retry_after(response.headers))
    if status == 404:
        raise UnknownClientError(said)
    raise PlatformDataError(said)


def _raise(error: Exception) -> dict[str, Any]:
    raise error


def _errors(body: object) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    found: list[dict[str, Any]] = []
    for key in ("Errors", "OperationErrors", "BatchErrors"):
        found += [e for e in body.get(key) or [] if isinstance(e, dict)]
    return found


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
