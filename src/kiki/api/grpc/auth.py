"""Authentication for every kiki.v1 call, as a server interceptor, and the gRPC error table."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import grpc

from kiki.api.public_errors import message_of, unexpected
from kiki.application.tenancy import TenantServices
from kiki.core.errors import ConfigurationError, InvalidInputError, KikiError, StorageError
from kiki.platforms.errors import (
    CampaignNotFoundError,
    ChangePendingError,
    NotOfferedError,
    PlatformAuthError,
    PlatformDataError,
    PlatformUnavailableError,
    UnknownClientError,
)
from kiki.syncflow.errors import ClientStuckError, CycleInProgressError
from kiki.syncledger import TransferConflictError
from kiki.syncledger.errors import FencedOutError
from kiki.syncnotify.errors import DeliveryError
from kiki.synctwin.errors import NoBaselineError
from kiki.tenancy import (
    AuthenticationError,
    ClientNotFoundError,
    ClientTakenError,
    IdempotencyConflictError,
    IdempotencyInProgressError,
    OperatorRequiredError,
    Tenant,
)

_CALLER: contextvars.ContextVar[Tenant] = contextvars.ContextVar("kiki_grpc_caller")

# First match wins; order subclasses before their parents.
CODES: list[tuple[type[KikiError], grpc.StatusCode]] = [
    (AuthenticationError, grpc.StatusCode.UNAUTHENTICATED),
    (OperatorRequiredError, grpc.StatusCode.PERMISSION_DENIED),
    (ClientNotFoundError, grpc.StatusCode.NOT_FOUND),
    (UnknownClientError, grpc.StatusCode.NOT_FOUND),
    (CampaignNotFoundError, grpc.StatusCode.NOT_FOUND),
    (InvalidInputError, grpc.StatusCode.INVALID_ARGUMENT),
    (IdempotencyConflictError, grpc.StatusCode.ALREADY_EXISTS),
    (ClientTakenError, grpc.StatusCode.ALREADY_EXISTS),
    (IdempotencyInProgressError, grpc.StatusCode.ABORTED),
    (CycleInProgressError, grpc.StatusCode.ABORTED),
    (ClientStuckError, grpc.StatusCode.FAILED_PRECONDITION),
    (FencedOutError, grpc.StatusCode.ABORTED),
    (TransferConflictError, grpc.StatusCode.ALREADY_EXISTS),
    (NoBaselineError, grpc.StatusCode.FAILED_PRECONDITION),
    (ChangePendingError, grpc.StatusCode.DEADLINE_EXCEEDED),  # requested; outcome unknown
    (NotOfferedError, grpc.StatusCode.UNIMPLEMENTED),
    (DeliveryError, grpc.StatusCode.UNAVAILABLE),
    (StorageError, grpc.StatusCode.UNAVAILABLE),
    (PlatformUnavailableError, grpc.StatusCode.UNAVAILABLE),
    (ConfigurationError, grpc.StatusCode.FAILED_PRECONDITION),
    (PlatformAuthError, grpc.StatusCode.FAILED_PRECONDITION),  # fix the credentials
    (PlatformDataError, grpc.StatusCode.DATA_LOSS),
    (KikiError, grpc.StatusCode.INTERNAL),
]

Req = TypeVar("Req")
Resp = TypeVar("Resp")


def caller() -> Tenant:
    """The tenant the interceptor authenticated for this call."""
    return _CALLER.get()


def abort(context: grpc.ServicerContext, exc: KikiError) -> NoReturn:
    code = next(code for kind, code in CODES if isinstance(exc, kind))
    context.abort(code, message_of(exc))
    raise AssertionError("context.abort raises")  # pragma: no cover


def translated(
    method: Callable[[Any, Req, grpc.ServicerContext], Resp],
) -> Callable[[Any, Req, grpc.ServicerContext], Resp]:
    """Run a servicer method, answering each KikiError with its status code."""

    def wrapper(self: Any, request: Req, context: grpc.ServicerContext) -> Resp:
        try:
            return method(self, request, context)
        except KikiError as exc:
            abort(context, exc)
        except Exception as exc:  # noqa: BLE001  # a bug: a generic line, the details logged
            context.abort(grpc.StatusCode.INTERNAL, unexpected(exc, where=method.__name__))
            raise AssertionError("context.abort raises") from None  # pragma: no cover

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class ApiKeyInterceptor(grpc.ServerInterceptor):
    """Authenticate ``authorization: Bearer <key>`` on every kiki.v1 call (health and
    reflection stay open, as probes need them), and make the tenant available to servicers."""

    def __init__(self, tenancy: TenantServices) -> None:
        self._tenancy = tenancy

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = continuation(handler_call_details)
        if handler is None or not handler_call_details.method.startswith("/kiki.v1."):
            return handler
        tenancy = self._tenancy
        if handler.stream_stream is not None:  # MirrorBidStream
            return _authenticated_stream(handler, tenancy)
        inner = handler.unary_unary
        if inner is None:  # every other kiki.v1 method is unary-unary
            return handler

        def authenticated(request: Any, context: grpc.ServicerContext) -> Any:
            with _as_caller(tenancy, context):
                return inner(request, context)

        return grpc.unary_unary_rpc_method_handler(
            authenticated,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


@contextmanager
def _as_caller(tenancy: TenantServices, context: grpc.ServicerContext) -> Iterator[None]:
    """The call's tenant from its ``authorization`` metadata, set as the caller while the
    method runs (aborting the call with the error's code when the key is not valid)."""
    metadata = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
    try:
        tenant = tenancy.authenticate(metadata.get("authorization"))
    except KikiError as exc:
        abort(context, exc)
    token = _CALLER.set(tenant)
    try:
        yield
    finally:
        _CALLER.reset(token)


def _authenticated_stream(
    handler: grpc.RpcMethodHandler[Any, Any], tenancy: TenantServices
) -> grpc.RpcMethodHandler[Any, Any]:
    """A stream-stream method behind the same authentication, checked before the first
    message is read; the tenant stays set while the method's answers are produced."""
    inner: Callable[[Iterator[Any], grpc.ServicerContext], Iterator[Any]] = handler.stream_stream  # type: ignore[assignment]  # checked by the caller

    def authenticated(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
        with _as_caller(tenancy, context):
            yield from inner(requests, context)

    return grpc.stream_stream_rpc_method_handler(
        authenticated,
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )
