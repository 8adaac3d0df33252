"""Calls to the Google Ads API (gRPC) through google-ads, with its errors translated.

The client is built by hand (``GoogleAdsClient(credentials=…)``) with credentials that refresh
lazily against ``KIKI_GOOGLE_ADS_TOKEN_URL``: the SDK's own loaders refresh inside their
constructor against Google's host. Every call has a deadline (the SDK sets none). Channels are
always TLS: the SDK's, trusting the system roots, or, with ``KIKI_GOOGLE_ADS_ROOT_CERTS``, one
built here on the SDK's interceptors that trusts those roots (tests and private gateways).
An access token the API refuses is refreshed once before the call counts as failed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiki.adapters.platforms.retry import RetryableError, RetryPolicy, call_with_retries
from kiki.core.platform import Platform
from kiki.platforms.errors import (
    CampaignNotFoundError,
    PlatformAuthError,
    PlatformDataError,
    UnknownClientError,
    UnrepresentableAmountError,
)

GOOGLE = Platform.GOOGLE
VERSION = "v26"
FAILURE_KEY = f"google.ads.googleads.{VERSION}.errors.googleadsfailure-bin"
SDK_LOGGER = "google.ads.googleads.client"


@dataclass(frozen=True)
class OAuth:
    developer_token: str
    client_id: str | None
    client_secret: str | None
    refresh_token: str | None
    login_customer_id: str | None


class AdsClient:
    """One set of credentials' view of the Google Ads API."""

    def __init__(
        self,
        oauth: OAuth,
        *,
        endpoint: str,
        token_url: str,
        root_certs: Path | None,
        timeout_s: float,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from google.ads.googleads.client import GoogleAdsClient  # noqa: PLC0415  # kiki[google]
        from google.oauth2.credentials import Credentials  # noqa: PLC0415

        # the SDK logs each request's metadata (tokens included) at INFO; keep it to faults
        sdk_logger = logging.getLogger(SDK_LOGGER)
        sdk_logger.setLevel(logging.WARNING)
        if not sdk_logger.handlers:  # no last-resort printing to stderr: KIKI says what failed
            sdk_logger.addHandler(logging.NullHandler())
        self._credentials = Credentials(
            token=None,
            refresh_token=oauth.refresh_token,
            client_id=oauth.client_id,
            client_secret=oauth.client_secret,
            token_uri=token_url,
        )
        self.sdk = GoogleAdsClient(
            credentials=self._credentials,
            developer_token=oauth.developer_token,
            login_customer_id=oauth.login_customer_id,
            endpoint=endpoint,
            version=VERSION,
            use_proto_plus=True,
        )
        self._endpoint = endpoint
        self._root_certs = root_certs
        self._timeout_s = timeout_s
        self._policy = policy
        self._sleep = sleep
        self._services: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.calls = 0

    def close(self) -> None:
        with self._lock:
            services, self._services = list(self._services.values()), {}
        for service in services:
            service.transport.close()

    def search(self, customer_id: str, query: str, operation: str) -> list[Any]:
        """Every row of a GAQL query, through ``search_stream`` (one call however many rows)."""

        def once() -> list[Any]:
            service = self.service("GoogleAdsService")
            stream = service.search_stream(
                customer_id=customer_id, query=query, timeout=self._timeout_s
            )
            rows: list[Any] = [row for batch in stream for row in batch.results]
            return rows

        found: list[Any] = self._call(once, operation, write=False)
        return found

    def mutate(
        self,
        service_name: str,
        method: str,
        customer_id: str,
        operations: Sequence[Any],
        operation: str,
        *,
        confirm: Callable[[], bool] | None = None,
    ) -> Any:
        """A mutate call; ``confirm`` says, after a timeout, whether Google applied it anyway."""

        def once() -> Any:
            service = self.service(service_name)
            keyword = "mutate_operations" if method == "mutate" else "operations"
            return getattr(service, method)(
                customer_id=customer_id, **{keyword: list(operations)}, timeout=self._timeout_s
            )

        return self._call(once, operation, write=True, confirm=confirm)

    def service(self, name: str) -> Any:
        with self._lock:
            found = self._services.get(name)
            if found is None:
                found = self._build_service(name)
                self._services[name] = found
            return found

    def _build_service(self, name: str) -> Any:
        if self._root_certs is None:
            return self.sdk.get_service(name)
        return _service_on_channel(self.sdk, name, self._channel())

    def _channel(self) -> Any:
        import google.auth.transport.grpc  # noqa: PLC0415
        import google.auth.transport.requests  # noqa: PLC0415
        import grpc  # noqa: PLC0415
        from google.ads.googleads.client import _GRPC_CHANNEL_OPTIONS  # noqa: PLC0415

        assert self._root_certs is not None  # noqa: S101  # only called with root certs
        plugin = google.auth.transport.grpc.AuthMetadataPlugin(
            self._credentials, google.auth.transport.requests.Request()
        )
        credentials = grpc.composite_channel_credentials(
            grpc.ssl_channel_credentials(root_certificates=self._root_certs.read_bytes()),
            grpc.metadata_call_credentials(plugin),
        )
        return grpc.secure_channel(self._endpoint, credentials, options=_GRPC_CHANNEL_OPTIONS)

    def _call(
        self,
        once: Callable[[], Any],
        operation: str,
        *,
        write: bool,
        confirm: Callable[[], bool] | None = None,
    ) -> Any:
        refreshed = False

        def attempt() -> Any:
            nonlocal refreshed
            self.calls += 1
            try:
                return once()
            except Exception as exc:  # noqa: BLE001  # translated by type just below
                error = _translated(exc, operation, write=write)
            expired = isinstance(error, PlatformAuthError) and error.problem == "bad token"
            if expired and not refreshed and self._credentials.refresh_token:
                refreshed = True  # the token may have expired early: refresh once, again
                self._refresh()
                return attempt()
            raise error

        def settle() -> Any:
            return True if confirm is not None and confirm() else None

        return call_with_retries(
            attempt,
            platform=GOOGLE,
            operation=operation,
            policy=self._policy,
            sleep=self._sleep,
            settle=settle if confirm is not None else None,
        )

    def _refresh(self) -> None:
        import google.auth.transport.requests  # noqa: PLC0415

        try:
            self._credentials.refresh(google.auth.transport.requests.Request())
        except Exception as exc:  # noqa: BLE001  # translated by type
            raise _translated(exc, "refresh the access token", write=False) from None


def _service_on_channel(sdk: Any, name: str, channel: Any) -> Any:
    """``sdk.get_service(name)`` on our channel, with the SDK's own interceptors (as its
    ``get_service`` builds them; re-check on upgrades of google-ads)."""
    from importlib import import_module  # noqa: PLC0415

    import grpc  # noqa: PLC0415
    from google.ads.googleads import util  # type: ignore[attr-defined]  # noqa: PLC0415
    from google.ads.googleads.client import _CLIENT_INFO  # noqa: PLC0415
    from google.ads.googleads.interceptors import (  # noqa: PLC0415
        ExceptionInterceptor,
        LoggingInterceptor,
        MetadataInterceptor,
    )

    snaked = util.convert_upper_case_to_snake_case(name)
    module = import_module(f"google.ads.googleads.{VERSION}.services.services.{snaked}")
    client_class = getattr(module, f"{name}Client")
    transport_class = client_class.get_transport_class(None)
    intercepted = grpc.intercept_channel(
        channel,
        MetadataInterceptor(sdk.developer_token, sdk.login_customer_id, sdk.linked_customer_id),
        LoggingInterceptor(logging.getLogger(SDK_LOGGER), VERSION, "kiki-channel"),
        ExceptionInterceptor(VERSION, use_proto_plus=True),
    )
    return client_class(transport=transport_class(channel=intercepted, client_info=_CLIENT_INFO))


def _translated(exc: Exception, operation: str, *, write: bool) -> Exception:  # noqa: PLR0911  # a table
    """An SDK, gRPC or OAuth error as KIKI's; Google's error codes and messages only."""
    import google.auth.exceptions as auth_errors  # noqa: PLC0415
    from google.ads.googleads.errors import GoogleAdsException  # noqa: PLC0415
    from google.api_core import exceptions as core  # noqa: PLC0415

    if isinstance(exc, auth_errors.RefreshError):
        return PlatformAuthError(
            GOOGLE,
            "bad token",
            f"{operation}: the OAuth refresh was refused; renew the refresh token "
            "(KIKI_GOOGLE_ADS_REFRESH_TOKEN or the secrets file) and check the client id",
        )
    if isinstance(exc, auth_errors.TransportError):
        return RetryableError(f"{operation}: the OAuth token endpoint is unreachable")
    if isinstance(exc, GoogleAdsException):
        return _ads_failure(exc.failure, operation, exc.error.code().name, write=write)
    if isinstance(exc, core.GoogleAPICallError):
        failure = _failure_in(exc)
        if failure is not None:
            code = exc.grpc_status_code.name if exc.grpc_status_code else "UNKNOWN"
            return _ads_failure(failure, operation, code, write=write)
        if isinstance(exc, core.Unauthenticated):
            return PlatformAuthError(GOOGLE, "bad token", f"{operation}: {exc.message}")
        if isinstance(exc, core.PermissionDenied):
            return PlatformAuthError(GOOGLE, "no access", f"{operation}: {exc.message}")
        if isinstance(exc, core.DeadlineExceeded):
            return RetryableError(f"{operation} timed out", unknown_outcome=write)
        if isinstance(exc, core.ServiceUnavailable | core.InternalServerError | core.Aborted):
            return RetryableError(f"{operation}: {type(exc).__name__} from Google")
        if isinstance(exc, core.ResourceExhausted):
            return RetryableError(f"{operation}: rate limited by Google")
        return PlatformDataError(f"{operation}: {type(exc).__name__}: {exc.message}")
    import grpc  # noqa: PLC0415

    if isinstance(exc, grpc.RpcError):
        return RetryableError(f"{operation}: {type(exc).__name__} talking to Google")
    return exc  # not the platform's: a bug here, raised as it is


def _failure_in(exc: Any) -> Any:
    """The GoogleAdsFailure in a raw RPC error's trailers (the SDK leaves RESOURCE_EXHAUSTED
    and INTERNAL unconverted)."""
    from google.ads.googleads.v26.errors.types import GoogleAdsFailure  # noqa: PLC0415

    rpc = exc.__cause__ if exc.__cause__ is not None else exc.response
    trailers = getattr(rpc, "trailing_metadata", None)
    if not callable(trailers):
        return None
    found = dict(trailers() or ()).get(FAILURE_KEY)
    return GoogleAdsFailure.deserialize(found) if found else None


def _ads_failure(failure: Any, operation: str, status: str, *, write: bool) -> Exception:  # noqa: PLR0911  # a table
    errors = list(failure.errors) if failure is not None else []
    if not errors:
        return RetryableError(f"{operation}: {status} from Google")
    first = errors[0]
    kind = type(first.error_code).pb(first.error_code).WhichOneof("error_code") or "unknown"
    name = getattr(getattr(first.error_code, kind, None), "name", "UNKNOWN")
    said = f"{operation}: Google {kind} {name}: {first.message}"
    if kind == "quota_error":
        delay = first.details.quota_error_details.retry_delay  # a timedelta with proto-plus
        seconds = delay.total_seconds() if delay else None
        return RetryableError(said, retry_after_s=seconds or None)
    if kind == "internal_error":
        return RetryableError(said, unknown_outcome=write)
    if kind == "authentication_error":
        return PlatformAuthError(
            GOOGLE, "bad token", f"{said}; check the OAuth credentials and the developer token"
        )
    if kind == "authorization_error":
        if name.startswith("DEVELOPER_TOKEN"):
            return PlatformAuthError(
                GOOGLE, "bad token", f"{said}; check KIKI_GOOGLE_ADS_DEVELOPER_TOKEN"
            )
        return PlatformAuthError(
            GOOGLE, "no access", f"{said}; grant the user access to the account"
        )
    if kind == "request_error" and name == "INVALID_CUSTOMER_ID":
        return UnknownClientError(said)
    if kind == "mutate_error" and name == "RESOURCE_NOT_FOUND":
        return CampaignNotFoundError(first.trigger.string_value or "?")
    if kind == "campaign_budget_error" and "MINIMUM_CURRENCY_UNIT" in name:
        return UnrepresentableAmountError("daily_budget", said)
    return PlatformDataError(said)
