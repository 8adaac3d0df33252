"""Tenants, their API keys, the clients each may reach, and idempotent changes."""

from kiki.tenancy.errors import (
    AuthenticationError,
    ClientNotFoundError,
    ClientTakenError,
    IdempotencyConflictError,
    IdempotencyInProgressError,
    OperatorRequiredError,
    TenancyError,
    TenantExistsError,
    UnknownTenantError,
)
from kiki.tenancy.keys import ApiKeyInfo, IssuedKey, Tenant, TenantSummary

__all__ = [
    "ApiKeyInfo",
    "AuthenticationError",
    "ClientNotFoundError",
    "ClientTakenError",
    "IdempotencyConflictError",
    "IdempotencyInProgressError",
    "IssuedKey",
    "OperatorRequiredError",
    "TenancyError",
    "Tenant",
    "TenantExistsError",
    "TenantSummary",
    "UnknownTenantError",
]
