"""Calls to TikTok's Business API (v1.3) through tiktok-business-api-sdk-official, with its
side effects neutralised and its errors translated.

The SDK's ``Configuration()`` adds a stream handler to the ``urllib3`` and
``business_api_client`` loggers and sets their levels; its ``ApiClient`` starts a thread pool
and its urllib3 pool retries on its own. Here the handlers are taken off and the levels put
back, the pool is closed, and the connection pool is replaced by one that does not retry (the
retries are KIKI's, bounded). Requests go through the SDK's ApiClient and REST client; the
generated models are not used (the JSON is read here, so TikTok's ``code`` and ``message``
and the ``Retry-After`` header are kept). The token travels in the ``Access-Token`` header.
TikTok answers
errors with HTTP 200 and ``{"code", "message"}``: code 0 is success; the others are mapped
here. Messages carry TikTok's code and text only, never the request.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kiki.adapters.platforms.retry import RetryableError, RetryPolicy, call_with_retries
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError, PlatformDataError, UnknownClientError

TIKTOK = Platform.TIKTOK
API = "/open_api/v1.3"
PAGE_SIZE = 1000
_THROTTLED = frozenset({40100, 40133, 50002})  # QPS limits, "system busy"
_TRANSIENT = frozenset({50000, 51000, 51001, 51002})
_BAD_TOKEN = frozenset({40104, 40105, 40106})  # empty, invalid or expired access token
_NO_ACCESS = frozenset({40001, 40003})  # no permission for the advertiser / the operation
_NO_ADVERTISER = 40007
_SDK_LOGGERS = ("urllib3", "business_api_client")
_SDK_LOCK = threading.Lock()


def sdk_client(base_url: str) -> Any:
    """The SDK's ApiClient for ``base_url``, leaving the process's logging as it was."""
    with _SDK_LOCK:
        saved = {
            name: (list(logging.getLogger(name).handlers), logging.getLogger(name).level)
            for name in _SDK_LOGGERS
        }
        try:
            import urllib3  # noqa: PLC0415  # comes with the SDK
            from business_api_client.api_client import ApiClient  # noqa: PLC0415  # kiki[tiktok]
            from business_api_client.configuration import Configuration  # noqa: PLC0415

            config = Configuration()
            config.host = base_url.rstrip("/")
            api = ApiClient(config)
        finally:
            for name, (handlers, level) in saved.items():
                logger = logging.getLogger(name)
                logger.handlers[:] = handlers
                logger.setLevel(level)
    api.pool.close()  # only async_req uses it; never here
    api.rest_client.pool_manager = urllib3.PoolManager(num_pools=4, maxsize=8, retries=False)
    return api


class TikTokClient:
    """One access token's view of the Business API."""

    def __init__(
        self,
        *,
        access_token: str,
        base_url: str,
        timeout_s: float,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api = sdk_client(base_url)
        self._token = access_token
        self._timeout = (5.0, timeout_s)
        self._policy = policy
        self._sleep = sleep
        self.calls = 0

    def close(self) -> None:
        self._api.rest_client.pool_manager.clear()

    def campaigns(self, advertiser_id: str) -> Iterator[dict[str, Any]]:
        for page in range(1, 1000):
            query = {"advertiser_id": advertiser_id, "page": page, "page_size": PAGE_SIZE}
            data = self._call("list campaigns", "GET", "campaign/get", query)
            yield from _rows(data, "list campaigns")
            if page >= int((data.get("page_info") or {}).get("total_page") or 1):
                return

    def campaign(self, advertiser_id: str, campaign_id: str) -> dict[str, Any] | None:
        filtering = json.dumps({"campaign_ids": [campaign_id]})
        query = {"advertiser_id": advertiser_id, "filtering": filtering}
        found = _rows(self._call("read campaign", "GET", "campaign/get", query), "read campaign")
        return found[0] if found else None

    def report(
        self, advertiser_id: str, start: str, end: str, metrics: list[str]
    ) -> Iterator[dict[str, Any]]:
        """Integrated report rows at campaign level, one per campaign and day."""
        for page in range(1, 1000):
            query = {
                "advertiser_id": advertiser_id,
                "report_type": "BASIC",
                "data_level": "AUCTION_CAMPAIGN",
                "dimensions": json.dumps(["campaign_id", "stat_time_day"]),
                "metrics": json.dumps(metrics),
                "start_date": start,
                "end_date": end,
                "page": page,
                "page_size": PAGE_SIZE,
            }
            data = self._call("read report", "GET", "report/integrated/get", query)
            yield from _rows(data, "read report")
            if page >= int((data.get("page_info") or {}).get("total_page") or 1):
                return

    def post(
        self,
        operation: str,
        path: str,
        body: Mapping[str, Any],
        *,
        confirm: Callable[[], bool] | None = None,
    ) -> dict[str, Any]:
        """A write (``campaign/update``, ``campaign/status/update``, ``campaign/create``);
        ``confirm`` says, after a timeout, whether TikTok applied it anyway."""
        return self._call(operation, "POST", path, body, confirm)

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        params: Mapping[str, Any],
        confirm: Callable[[], bool] | None = None,
    ) -> dict[str, Any]:
        def once() -> dict[str, Any]:
            self.calls += 1
            return self._once(operation, method, path, params)

        def settle() -> dict[str, Any] | None:
            return {} if confirm is not None and confirm() else None

        return call_with_retries(
            once,
            platform=TIKTOK,
            operation=operation,
            policy=self._policy,
            sleep=self._sleep,
            settle=settle if confirm is not None else None,
        )

    def _once(
        self, operation: str, method: str, path: str, params: Mapping[str, Any]
    ) -> dict[str, Any]:
        import urllib3  # noqa: PLC0415
        from business_api_client.rest import ApiException  # noqa: PLC0415

        headers = {
            **self._api.default_headers,
            "Access-Token": self._token,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        url = f"{self._api.configuration.host}{API}/{path}/"
        get = method == "GET"
        try:
            response = self._api.request(
                method,
                url,
                query_params=list(params.items()) if get else None,
                headers=headers,
                body=None if get else dict(params),
                _preload_content=False,
                _request_timeout=self._timeout,
            )
        except ApiException as exc:
            raise _http_error(exc.status, exc.headers or {}, operation) from None
        except (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ProtocolError):
            raise RetryableError(f"{operation} timed out", unknown_outcome=not get) from None
        except urllib3.exceptions.HTTPError:
            raise RetryableError(f"{operation}: TikTok unreachable") from None
        try:
            body = json.loads(response.data or b"null")
        except ValueError:
            raise PlatformDataError(
                f"TikTok answered {operation} with {response.status}, not JSON"
            ) from None
        if not isinstance(body, dict):
            raise PlatformDataError(f"TikTok answered {operation} without a JSON object")
        return _data(body, operation, response.headers)


def _http_error(status: int | None, headers: Mapping[str, str], operation: str) -> Exception:
    if status == 429 or (status or 0) >= 500 or status == 0:
        return RetryableError(
            f"{operation}: HTTP {status} from TikTok", retry_after_s=_after(headers)
        )
    if status == 401:
        return PlatformAuthError(TIKTOK, "bad token", f"{operation}: HTTP 401; renew the token")
    return PlatformDataError(f"TikTok answered {operation} with HTTP {status}")


def _data(body: Mapping[str, Any], operation: str, headers: Mapping[str, str]) -> dict[str, Any]:
    """The ``data`` of a success (``code`` 0), or KIKI's error for TikTok's code."""
    code = body.get("code")
    said = f"{operation}: TikTok error {code}: {body.get('message') or 'no message'}"
    if code == 0:
        data = body.get("data")
        return data if isinstance(data, dict) else {}
    if code in _BAD_TOKEN:
        raise PlatformAuthError(
            TIKTOK, "bad token", f"{said}; renew the access token (KIKI_TIKTOK_ACCESS_TOKEN)"
        )
    if code in _NO_ACCESS:
        raise PlatformAuthError(
            TIKTOK, "no access", f"{said}; authorise the advertiser for the app"
        )
    if code == _NO_ADVERTISER:
        raise UnknownClientError(said)
    if code in _THROTTLED or code in _TRANSIENT:
        raise RetryableError(said, retry_after_s=_after(headers))
    raise PlatformDataError(said)


def _rows(data: Mapping[str, Any], operation: str) -> list[dict[str, Any]]:
    rows = data.get("list")
    if not isinstance(rows, list):
        raise PlatformDataError(f"TikTok answered {operation} without a list")
    return [r for r in rows if isinstance(r, dict)]


def _after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
