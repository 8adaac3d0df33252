"""Tenants, their API keys, the clients each may reach, and idempotent changes."""

from kiki.tenancy.errors import (
    AuthenticationError,
    ClientNotFoundError,
    ClientTakenError,
    IdempotencyConflictError,
    IdempotencyInProgressError,
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
    "TenancyError",
    "Tenant",
    "TenantExistsError",
    "TenantSummary",
    "UnknownTenantError",
]
