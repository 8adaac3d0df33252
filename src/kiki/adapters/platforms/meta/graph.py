"""Calls to Meta's Graph API through facebook-business, with its errors translated.

The API object is built by hand (``FacebookAdsApi(FacebookSession(...))``), never with
``FacebookAdsApi.init()``, whose crash reporter posts tracebacks to Meta. The access token
travels in the ``Authorization`` header (Graph accepts ``OAuth <token>``), not in the query
string where the SDK would put it. Every call goes through ``api.call`` so that the HTTP status
is checked here: the SDK takes a 502 with an HTML body for a success. Messages carry Meta's
error code and text only, never the request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kiki.adapters.platforms.retry import RetryableError, RetryPolicy, call_with_retries
from kiki.core.platform import Platform
from kiki.platforms.errors import (
    CampaignNotFoundError,
    PlatformAuthError,
    PlatformDataError,
    UnknownClientError,
)

META = Platform.META
PAGE_LIMIT = 500
# Meta's throttling codes: app, user, page, custom, the business use cases; 1 and 2 are transient
_THROTTLED = frozenset({4, 17, 32, 613, *range(80000, 80015)})
_TRANSIENT = frozenset({1, 2})
_BAD_TOKEN = frozenset({190, 102})
_NO_ACCESS = frozenset({10, 200, 272, 294, 2635})
_NOT_FOUND_SUBCODE = 33


class GraphClient:
    """One access token's view of the Graph API."""

    def __init__(
        self,
        *,
        access_token: str,
        app_secret: str | None,
        base_url: str,
        api_version: str,
        timeout_s: float,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from facebook_business.api import FacebookAdsApi  # noqa: PLC0415  # kiki[meta], lazily
        from facebook_business.session import FacebookSession  # noqa: PLC0415

        session = FacebookSession(timeout=(5.0, timeout_s))
        session.GRAPH = base_url.rstrip("/")  # this session only; the class keeps Meta's host
        # The token goes in a header, not the query string the SDK would use: URLs end up in
        # urllib3's debug log and in connection errors, headers do not.
        session.requests.headers["Authorization"] = f"OAuth {access_token}"
        if app_secret:
            proof = hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256)
            session.requests.params["appsecret_proof"] = proof.hexdigest()
        self._api = FacebookAdsApi(session, api_version=api_version)
        self._policy = policy
        self._sleep = sleep
        self.calls = 0

    def close(self) -> None:
        self._api._session.requests.close()  # the SDK offers no close

    def get(
        self,
        path: tuple[str, ...],
        params: Mapping[str, Any],
        operation: str,
        *,
        retry: bool = True,
    ) -> Any:
        if not retry:
            self.calls += 1
            return self._once("GET", path, params, operation)
        return self._call("GET", path, params, operation)

    def post(
        self,
        path: tuple[str, ...],
        params: Mapping[str, Any],
        operation: str,
        *,
        confirm: Callable[[], bool] | None = None,
    ) -> Any:
        """A write; ``confirm`` says, after a timeout, whether Meta applied it anyway."""
        return self._call("POST", path, params, operation, confirm)

    def pages(
        self, path: tuple[str, ...], params: Mapping[str, Any], operation: str
    ) -> Iterator[dict[str, Any]]:
        """Every row of a list edge, page by page through the ``after`` cursors."""
        query = {**params, "limit": PAGE_LIMIT}
        while True:
            body = self.get(path, query, operation)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise PlatformDataError(f"Meta answered {operation} without a data list")
            yield from body["data"]
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
            query = {**query, "after": after}

    def _call(
        self,
        method: str,
        path: tuple[str, ...],
        params: Mapping[str, Any],
        operation: str,
        confirm: Callable[[], bool] | None = None,
    ) -> Any:
        def once() -> Any:
            self.calls += 1
            return self._once(method, path, params, operation)

        def settle() -> Any:
            return {"success": True} if confirm is not None and confirm() else None

        return call_with_retries(
            once,
            platform=META,
            operation=operation,
            policy=self._policy,
            sleep=self._sleep,
            settle=settle if confirm is not None else None,
        )

    def _once(
        self, method: str, path: tuple[str, ...], params: Mapping[str, Any], operation: str
    ) -> Any:
        import requests  # noqa: PLC0415  # comes with facebook-business
        from facebook_business.exceptions import FacebookRequestError  # noqa: PLC0415

        try:
            response = self._api.call(method, path, params=dict(params))
        except FacebookRequestError as exc:
            raise _translated(exc, operation, path) from None
        except requests.Timeout:
            # the request may have reached Meta; the URL (with the token) stays out of it
            raise RetryableError(
                f"{operation} timed out", unknown_outcome=method == "POST"
            ) from None
        except requests.ConnectionError:
            raise RetryableError(f"{operation}: Meta unreachable") from None
        status = response.status()
        if status >= 500 or status == 429:
            raise RetryableError(f"{operation}: HTTP {status} from Meta")
        body = response.json()
        if status >= 400 or not isinstance(body, dict | list):
            raise PlatformDataError(f"Meta answered {operation} with HTTP {status}, not JSON")
        return body


def _translated(exc: Any, operation: str, path: tuple[str, ...]) -> Exception:  # noqa: PLR0911  # a table
    """A FacebookRequestError as KIKI's error, naming Meta's code and message only."""
    code = exc.api_error_code()
    subcode = exc.api_error_subcode()
    status = exc.http_status()
    message = exc.api_error_message() or "no message"
    said = f"{operation}: Meta error {code}" + (f"/{subcode}" if subcode else "") + f": {message}"
    if code in _BAD_TOKEN:
        return PlatformAuthError(
            META,
            "bad token",
            f"{said}; renew the access token (KIKI_META_ACCESS_TOKEN or the secrets file)",
        )
    if code in _NO_ACCESS:
        return PlatformAuthError(
            META, "no access", f"{said}; give the token's user access to the ad account"
        )
    if code in _THROTTLED or code in _TRANSIENT or exc.api_transient_error():
        return RetryableError(said, retry_after_s=_regain_s(exc.http_headers()))
    if isinstance(status, int) and (status >= 500 or status == 429):
        return RetryableError(said)
    if code == 100 and subcode == _NOT_FOUND_SUBCODE:
        node = path[0] if path else "?"
        if node.startswith("act_"):
            return UnknownClientError(f"Meta has no ad account {node} for this token")
        return CampaignNotFoundError(node)
    return PlatformDataError(said)


def _regain_s(headers: Mapping[str, str] | None) -> float | None:
    """Seconds until Meta lets the app call again, from its usage headers (minutes there)."""
    if not headers:
        return None
    retry_after = headers.get("Retry-After") or headers.get("retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            return None
    usage = headers.get("x-business-use-case-usage") or headers.get("X-Business-Use-Case-Usage")
    if not usage:
        return None
    try:
        parsed = json.loads(usage)
        minutes = [
            float(entry.get("estimated_time_to_regain_access") or 0)
            for entries in parsed.values()
            for entry in entries
        ]
    except (ValueError, AttributeError, TypeError):
        return None
    return 60.0 * max(minutes) if minutes else None
