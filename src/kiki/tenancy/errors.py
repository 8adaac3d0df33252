"""Tenancy's errors; each entrypoint maps them to one status in its error table."""

from kiki.core.errors import KikiError


class TenancyError(KikiError):
    """A tenant, key, client mapping or idempotency rule refused the request."""


class AuthenticationError(TenancyError):
    """No API key, or one that is unknown or revoked; the message never says which."""

    def __init__(self) -> None:
        super().__init__("a valid API key is required (Authorization: Bearer <key>)")


class ClientNotFoundError(TenancyError):
    """The client does not exist or belongs to another tenant; the two are not told apart."""

    def __init__(self, client_id: str) -> None:
        super().__init__(f"client {client_id!r} not found")
        self.client_id = client_id


class OperatorRequiredError(TenancyError):
    """The request reaches beyond the caller's own clients: only an operator key may."""


class UnknownTenantError(TenancyError):
    """No tenant by that name."""


class TenantExistsError(TenancyError):
    """A tenant by that name exists already."""


class ClientTakenError(TenancyError):
    """The client id is attached to a tenant already."""


class IdempotencyConflictError(TenancyError):
    """An Idempotency-Key was reused with a different request; the first one stands."""


class IdempotencyInProgressError(TenancyError):
    """A request with this Idempotency-Key is still running; retry after it finished."""
