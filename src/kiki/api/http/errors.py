"""The HTTP entrypoint's one table from error to status code, and the error body."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from kiki.api.public_errors import message_of, scrub, unexpected
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
from kiki.syncledger.errors import FencedOutError
from kiki.synctwin.errors import NoBaselineError
from kiki.tenancy.errors import (
    AuthenticationError,
    ClientNotFoundError,
    ClientTakenError,
    IdempotencyConflictError,
    IdempotencyInProgressError,
    OperatorRequiredError,
    TenantExistsError,
)

# First match wins; order subclasses before their parents.
STATUS: list[tuple[type[KikiError], int, str]] = [
    (AuthenticationError, 401, "unauthenticated"),
    (OperatorRequiredError, 403, "operator_required"),
    (ClientNotFoundError, 404, "not_found"),
    (UnknownClientError, 404, "not_found"),
    (CampaignNotFoundError, 404, "not_found"),
    (InvalidInputError, 422, "invalid_input"),
    (IdempotencyConflictError, 409, "idempotency_key_reused"),
    (IdempotencyInProgressError, 409, "idempotency_key_in_progress"),
    (ClientTakenError, 409, "client_taken"),
    (TenantExistsError, 409, "tenant_exists"),
    (CycleInProgressError, 409, "cycle_in_progress"),
    (ClientStuckError, 409, "client_stuck"),
    (FencedOutError, 409, "cycle_lease_lost"),
    (NoBaselineError, 409, "no_baseline"),
    (ChangePendingError, 202, "pending_confirmation"),  # requested; the outcome is unknown
    (NotOfferedError, 422, "not_offered"),
    (StorageError, 503, "unavailable"),
    (PlatformUnavailableError, 503, "platform_unavailable"),
    (ConfigurationError, 503, "not_configured"),
    (PlatformAuthError, 502, "platform_refused"),  # the platform refused KIKI's credentials
    (PlatformDataError, 502, "platform_data"),
    (KikiError, 500, "internal"),
]


def status_for(exc: KikiError) -> tuple[int, str]:
    return next((status, code) for kind, status, code in STATUS if isinstance(exc, kind))


def error_body(code: str, message: str, field: str | None = None) -> dict[str, str]:
    body = {"error": code, "message": message}
    if field is not None:
        body["field"] = field
    return body


async def kiki_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KikiError)  # noqa: S101  # registered for KikiError only
    status, code = status_for(exc)
    field = exc.field if isinstance(exc, InvalidInputError) else None
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = error_body(code, message_of(exc), field)
    return JSONResponse(body, status_code=status, headers=headers)


HTTP_CODES = {401: "unauthenticated", 404: "not_found", 405: "method_not_allowed"}


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    """The framework's own refusals (no such route, a body it cannot decode), in our shape; a
    body it cannot parse is bad input naming ``body``, as the README says."""
    assert isinstance(exc, HTTPException)  # noqa: S101  # registered for it only
    if exc.status_code == 400:
        message = "body: is not valid JSON (send a JSON object, Content-Type: application/json)"
        return JSONResponse(error_body("invalid_input", message, "body"), status_code=422)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    body = error_body(code, scrub(str(exc.detail)))
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    """Any other exception is a bug: a generic line and a reference, the details in the log."""
    message = unexpected(exc, where=f"{request.method} {request.url.path}")
    return JSONResponse(error_body("internal", message), status_code=500)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own validation (query, path, typed bodies), in the same shape as ours."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101  # registered for it only
    first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "is invalid"}
    if first.get("type") == "json_invalid":  # its loc is the character offset, not a field
        message = "body: is not valid JSON (send a JSON object, Content-Type: application/json)"
        return JSONResponse(error_body("invalid_input", message, "body"), status_code=422)
    field = ""
    for part in first.get("loc", ()):
        if part in ("body", "query", "path", "header"):
            continue
        field += f"[{part}]" if isinstance(part, int) else f".{part}" if field else str(part)
    field = field or "body"
    message = scrub(f"{field}: {first.get('msg', 'is invalid')}")
    return JSONResponse(error_body("invalid_input", message, field), status_code=422)


def install_error_handlers(api: FastAPI) -> None:
    """Every error of ``api`` answered in the one shape, through the one sanitising layer."""
    api.add_exception_handler(KikiError, kiki_error)
    api.add_exception_handler(RequestValidationError, validation_error)
    api.add_exception_handler(HTTPException, http_error)
    api.add_exception_handler(Exception, internal_error)
