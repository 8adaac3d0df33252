"""The one module that uses linkedin-api-client (a thin Rest.li client, last released in 2023).

The SDK builds every URL from the module constant ``https://api.linkedin.com/rest`` and sends
through its own ``requests.Session`` with no timeout. KIKI mounts a transport adapter on that
session, per client, which sends each request to ``KIKI_LINKEDIN_API_URL`` instead, with the
call's deadline, and turns LinkedIn's Rest.li errors (``{"status", "code", "message",
"serviceErrorCode"}``) into KIKI's before the SDK formats the answer. The token travels in the
``Authorization`` header the SDK sets; ``LinkedIn-Version`` comes from ``KIKI_LINKEDIN_VERSION``.
"""

from __future__ import annotations

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

LINKEDIN = Platform.LINKEDIN
VENDOR_BASE = "https://api.linkedin.com/rest"
PAGE = 500


def _transport(base_url: str, timeout_s: float) -> Any:
    import requests  # noqa: PLC0415  # comes with linkedin-api-client
    from requests.adapters import HTTPAdapter  # noqa: PLC0415

    class Redirect(HTTPAdapter):
        """Sends what the SDK addressed to LinkedIn to the configured base URL."""

        def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            request.url = base_url + request.url.removeprefix(VENDOR_BASE)
            kwargs["timeout"] = (5.0, timeout_s)
            try:
                response = super().send(request, **kwargs)
            except requests.Timeout:
                unknown = request.method != "GET"
                raise RetryableError("LinkedIn timed out", unknown_outcome=unknown) from None
            except requests.ConnectionError:
                raise RetryableError("LinkedIn unreachable") from None
            _check(response)
            return response

    return Redirect(max_retries=0)


class LinkedInRest:
    """One access token's view of LinkedIn's Marketing API."""

    def __init__(
        self,
        *,
        access_token: str,
        base_url: str,
        version: str,
        timeout_s: float,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from linkedin_api.clients.restli.client import RestliClient  # noqa: PLC0415

        self._client = RestliClient()
        self._client.session.mount("https://api.linkedin.com/", _transport(base_url, timeout_s))
        self._client.session.trust_env = False
        self._token = access_token
        self._version = version
        self._policy = policy
        self._sleep = sleep
        self.calls = 0

    def close(self) -> None:
        self._client.session.close()

    def campaigns(self, account: str) -> Iterator[dict[str, Any]]:
        start = 0
        while True:

            def page(first: int = start) -> Any:
                return self._client.finder(
                    resource_path="/adAccounts/{account}/adCampaigns",
                    finder_name="search",
                    path_keys={"account": int(account)},
                    query_params={"start": first, "count": PAGE},
                    access_token=self._token,
                    version_string=self._version,
                )

            answer = self._call("list campaigns", page)
            yield from answer.elements or []
            total = answer.paging.total if answer.paging else None
            start += PAGE
            if not answer.elements or total is None or start >= total:
                return

    def campaign(self, account: str, campaign_id: str) -> dict[str, Any]:
        answer = self._call(
            "read campaign",
            lambda: self._client.get(
                resource_path="/adAccounts/{account}/adCampaigns/{id}",
                path_keys={"account": int(account), "id": int(campaign_id)},
                access_token=self._token,
                version_string=self._version,
            ),
        )
        if not isinstance(answer.entity, dict):
            raise PlatformDataError("LinkedIn answered a campaign without its fields")
        return answer.entity

    def analytics(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        answer = self._call(
            "read analytics",
            lambda: self._client.finder(
                resource_path="/adAnalytics",
                finder_name="analytics",
                query_params=dict(query),
                access_token=self._token,
                version_string=self._version,
            ),
        )
        return [e for e in answer.elements or [] if isinstance(e, dict)]

    def update(
        self, account: str, campaign_id: str, patch: Mapping[str, Any], confirm: Callable[[], bool]
    ) -> None:
        """A partial update of top-level fields; ``confirm`` settles an unknown outcome."""
        self._call(
            "update campaign",
            lambda: self._client.partial_update(
                resource_path="/adAccounts/{account}/adCampaigns/{id}",
                path_keys={"account": int(account), "id": int(campaign_id)},
                patch_set_object=dict(patch),
                access_token=self._token,
                version_string=self._version,
            ),
            confirm,
        )

    def create(self, account: str, entity: Mapping[str, Any]) -> str:
        answer = self._call(
            "create campaign",
            lambda: self._client.create(
                resource_path="/adAccounts/{account}/adCampaigns",
                path_keys={"account": int(account)},
                entity=dict(entity),
                access_token=self._token,
                version_string=self._version,
            ),
        )
        created = answer.entity_id
        if not created:
            raise PlatformDataError("LinkedIn created a campaign without saying its id")
        return str(created)

    def _call(
        self, operation: str, send: Callable[[], Any], confirm: Callable[[], bool] | None = None
    ) -> Any:
        def once() -> Any:
            self.calls += 1
            try:
                return send()
            except RetryableError as exc:
                raise RetryableError(
                    f"{operation}: {exc.detail}",
                    retry_after_s=exc.retry_after_s,
                    unknown_outcome=exc.unknown_outcome,
                ) from None

        def settle() -> Any:
            return True if confirm is not None and confirm() else None

        return call_with_retries(
            once,
            platform=LINKEDIN,
            operation=operation,
            policy=self._policy,
            sleep=self._sleep,
            settle=settle if confirm is not None else None,
        )


def _check(response: Any) -> None:
    """LinkedIn's Rest.li error as KIKI's error; nothing for a success."""
    status = response.status_code
    if status < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    said = (
        f"LinkedIn {status} {body.get('code') or ''} "
        f"({body.get('serviceErrorCode') or '-'}): {body.get('message') or 'no message'}"
    )
    if status == 401:
        raise PlatformAuthError(
            LINKEDIN, "bad token", f"{said}; renew the access token (KIKI_LINKEDIN_ACCESS_TOKEN)"
        )
    if status == 403:
        raise PlatformAuthError(
            LINKEDIN, "no access", f"{said}; give the token's member a role on the ad account"
        )
    if status == 429 or status >= 500:
        value = response.headers.get("Retry-After")
        try:
            after = max(0.0, float(value)) if value is not None else None
        except ValueError:
            after = None
        raise RetryableError(said, retry_after_s=after)
    if status == 404:
        if "adCampaigns/" in str(response.url):
            raise CampaignNotFoundError(str(response.url).rsplit("/", 1)[-1].split("?")[0])
        raise UnknownClientError(said)
    raise PlatformDataError(said)
