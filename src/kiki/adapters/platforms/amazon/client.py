"""Calls to the Amazon Ads API through python-amazon-ad-api (a community wrapper), with its side
effects neutralised and its errors translated.

Importing the package calls ``logging.basicConfig(level=INFO)``: it is imported here, lazily,
and the root logger's handlers and level are put back as they were. Its ``CredentialProvider``
prefers ``AD_API_*`` environment variables over the credentials it is given, so a client is
built with an access token KIKI obtained itself (Login with Amazon's ``refresh_token`` grant at
``KIKI_AMAZON_TOKEN_URL``) and ``verify_additional_credentials`` off; its endpoint is the
instance's, set to ``KIKI_AMAZON_ADS_URL``. Its campaign calls log a deprecation line each; its
report download helper writes files, so the pre-signed report URL is fetched here. The
``Amazon-Advertising-API-ClientId`` and ``Amazon-Advertising-API-Scope`` (profile) headers are
the wrapper's.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiki.adapters.platforms.retry import RetryableError, RetryPolicy, call_with_retries
from kiki.core.clock import Clock
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError, PlatformDataError, UnknownClientError

AMAZON = Platform.AMAZON
_IMPORT_LOCK = threading.Lock()


def import_sdk() -> Any:
    """The wrapper's modules, imported with the root logger left as it was."""
    with _IMPORT_LOCK:
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        try:
            import ad_api.api  # noqa: PLC0415  # kiki[amazon]
            import ad_api.base  # noqa: PLC0415
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
    return ad_api


@dataclass(frozen=True)
class AmazonCredentials:
    client_id: str
    client_secret: str
    refresh_token: str


class AmazonAds:
    """One set of credentials' view of the Amazon Ads API, for one profile at a time."""

    def __init__(
        self,
        credentials: AmazonCredentials,
        *,
        base_url: str,
        token_url: str,
        timeout_s: float,
        policy: RetryPolicy,
        clock: Clock,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import requests  # noqa: PLC0415  # comes with the wrapper

        self._sdk = import_sdk()
        self._credentials = credentials
        self._base_url = base_url.rstrip("/")
        self._token_url = token_url
        self._timeout = timeout_s
        self._policy = policy
        self._clock = clock
        self._sleep = sleep
        self._http = requests.Session()
        self._http.trust_env = False
        self._token: str | None = None
        self._token_until = 0.0
        self._lock = threading.Lock()
        self.calls = 0

    def close(self) -> None:
        self._http.close()

    def campaigns(self, profile: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call(profile, "list campaigns", lambda c: c.list_campaigns(body=dict(body)))

    def edit(
        self, profile: str, body: Mapping[str, Any], confirm: Callable[[], bool]
    ) -> dict[str, Any]:
        return self._call(
            profile, "update campaigns", lambda c: c.edit_campaigns(body=dict(body)), confirm
        )

    def create(self, profile: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call(profile, "create campaign", lambda c: c.create_campaigns(body=dict(body)))

    def request_report(self, profile: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call(
            profile, "request report", lambda r: r.post_report(body=dict(body)), reports=True
        )

    def report(self, profile: str, report_id: str) -> dict[str, Any]:
        return self._call(profile, "poll report", lambda r: r.get_report(report_id), reports=True)

    def download(self, url: str) -> list[dict[str, Any]]:
        """A report's rows: a plain GET of its pre-signed URL, gunzipped JSON."""
        import requests  # noqa: PLC0415

        def once() -> list[dict[str, Any]]:
            self.calls += 1
            try:
                response = self._http.get(url, timeout=(5.0, self._timeout))
            except requests.RequestException:
                raise RetryableError("download report: the file is unreachable") from None
            if response.status_code >= 500 or response.status_code == 429:
                raise RetryableError(f"download report: HTTP {response.status_code}")
            if response.status_code >= 400:
                raise PlatformDataError(f"download report: HTTP {response.status_code}")
            try:
                rows = json.loads(gzip.decompress(response.content))
            except (OSError, ValueError) as exc:
                raise PlatformDataError(f"Amazon report file unreadable: {exc}") from None
            if not isinstance(rows, list):
                raise PlatformDataError("Amazon report file is not a list of rows")
            return [r for r in rows if isinstance(r, dict)]

        return call_with_retries(
            once,
            platform=AMAZON,
            operation="download report",
            policy=self._policy,
            sleep=self._sleep,
        )

    def _client(self, profile: str, *, reports: bool) -> Any:
        api = self._sdk.api
        kind = api.Reports if reports else api.sp.CampaignsV3
        client = kind(
            credentials={
                "client_id": self._credentials.client_id,
                "client_secret": self._credentials.client_secret,
                "refresh_token": self._credentials.refresh_token,
                "profile_id": profile,
            },
            access_token=self._access_token(),
            timeout=self._timeout,
            verify_additional_credentials=False,
        )
        client.endpoint = self._base_url  # this client only; the wrapper's table stays
        return client

    def _call(
        self,
        profile: str,
        operation: str,
        send: Callable[[Any], Any],
        confirm: Callable[[], bool] | None = None,
        *,
        reports: bool = False,
    ) -> dict[str, Any]:
        refreshed = False

        def once() -> dict[str, Any]:
            nonlocal refreshed
            try:
                return self._once(profile, operation, send, reports, confirm is not None)
            except PlatformAuthError as exc:
                if exc.problem != "bad token" or refreshed:
                    raise
                refreshed = True  # the access token may have expired early: refresh once
                with self._lock:
                    self._token = None
                return self._once(profile, operation, send, reports, confirm is not None)

        def settle() -> dict[str, Any] | None:
            return {} if confirm is not None and confirm() else None

        return call_with_retries(
            once,
            platform=AMAZON,
            operation=operation,
            policy=self._policy,
            sleep=self._sleep,
            settle=settle if confirm is not None else None,
        )

    def _once(
        self, profile: str, operation: str, send: Callable[[Any], Any], reports: bool, write: bool
    ) -> dict[str, Any]:
        import requests  # noqa: PLC0415

        exceptions = self._sdk.base.exceptions
        self.calls += 1
        try:
            answer = send(self._client(profile, reports=reports))
        except exceptions.AdvertisingApiException as exc:
            raise _translated(exc, operation) from None
        except requests.Timeout:
            raise RetryableError(f"{operation} timed out", unknown_outcome=write) from None
        except requests.ConnectionError:
            raise RetryableError(f"{operation}: Amazon Ads unreachable") from None
        payload = answer.payload
        if not isinstance(payload, dict):
            raise PlatformDataError(f"Amazon answered {operation} without a JSON object")
        return payload

    def _access_token(self) -> str:
        with self._lock:
            if self._token is not None and self._clock.monotonic() < self._token_until:
                return self._token
        import requests  # noqa: PLC0415

        form = {
            "grant_type": "refresh_token",
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
            "refresh_token": self._credentials.refresh_token,
        }
        self.calls += 1
        try:
            response = self._http.post(self._token_url, data=form, timeout=(5.0, self._timeout))
        except requests.RequestException:
            raise RetryableError("the Login with Amazon token endpoint is unreachable") from None
        if response.status_code >= 500:
            raise RetryableError(f"the token endpoint answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = {}
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(token, str):
            error = body.get("error") if isinstance(body, dict) else None
            raise PlatformAuthError(
                AMAZON,
                "bad token",
                f"the refresh was refused ({error or response.status_code}); renew the refresh "
                "token (KIKI_AMAZON_REFRESH_TOKEN or the secrets file)",
            )
        with self._lock:
            self._token = token
            lifetime = float(body.get("expires_in") or 3600)
            self._token_until = self._clock.monotonic() + max(0.0, lifetime - 60.0)
        return token


def _translated(exc: Any, operation: str) -> Exception:
    code = exc.code
    error = exc.error if isinstance(exc.error, dict) else {}
    text = error.get("details") or error.get("message") or "no message"
    said = f"{operation}: Amazon {code} {error.get('code') or ''}: {text}"
    headers = exc.headers or {}
    if code == 401:
        return PlatformAuthError(AMAZON, "bad token", f"{said}; check the credentials")
    if code == 403:
        return PlatformAuthError(AMAZON, "no access", f"{said}; give the app the profile")
    if code == 429 or (isinstance(code, int) and code >= 500):
        value = headers.get("Retry-After") or headers.get("retry-after")
        try:
            after = max(0.0, float(value)) if value is not None else None
        except ValueError:
            after = None
        return RetryableError(said, retry_after_s=after)
    if code == 404:
        return UnknownClientError(said)
    return PlatformDataError(said)
