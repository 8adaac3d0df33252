"""The root of KIKI's error tree; every error the package raises descends from it.

KikiError
├── InvalidInputError            bad input at an edge; names the field and the rule
├── ConfigurationError           settings that cannot work (placeholder secret, bad URL)
├── StorageError                 a database or state store failed (adapters translate)
├── syncflow.errors.SyncFlowError
│   ├── CycleInProgressError     another optimisation cycle holds the client's lease
│   └── ClientStuckError         a stuck client's platforms and ledger still disagree
├── platforms.errors.PlatformError
│   ├── PlatformUnavailableError the platform API failed or timed out
│   ├── UnknownClientError       the gateway knows no such client
│   ├── CampaignNotFoundError    the platform has no such campaign for the client
│   ├── PlatformAuthError        bad token or no access to the account (not retried)
│   ├── PlatformDataError        a platform value KIKI cannot represent exactly
│   ├── ChangePendingError       a change requested, not yet confirmed (CSV): outcome unknown
│   └── NotOfferedError          the platform offers no such control (bids): nothing sent
├── syncledger.errors.LedgerError
│   ├── TransferConflictError    a transfer id reused with different content
│   └── FencedOutError           the cycle's lease moved on: no further write or action
├── synctwin.errors.SyncTwinError
│   ├── CampaignRejectedError    the pre-launch gate said no (carries the simulation result)
│   └── NoBaselineError          no baseline known for the client, so nothing to simulate
├── syncshield.errors.AuditError
│   └── AuditChainBrokenError    verification found an edited or missing entry
├── syncvalue.errors.SyncValueError
│   └── CsvRowError              a bad CSV row (also an InvalidInputError); nothing imported
├── tenancy.errors.TenancyError
│   ├── AuthenticationError      no API key, or an unknown or revoked one
│   ├── ClientNotFoundError      no such client, or another tenant's (not told apart)
│   ├── UnknownTenantError       no tenant by that name
│   ├── TenantExistsError        the tenant name is taken
│   ├── ClientTakenError         the client id belongs to a tenant already
│   ├── OperatorRequiredError    beyond the tenant's own clients: an operator key only
│   ├── IdempotencyConflictError an Idempotency-Key reused for a different request
│   └── IdempotencyInProgressError the first request with that key is still running
└── syncnotify.errors.NotifyError
    └── DeliveryError            an alert could not be delivered
"""

from __future__ import annotations


class KikiError(Exception):
    """Root of every error KIKI raises on purpose."""


class InvalidInputError(KikiError, ValueError):
    """Input that breaks a rule; ``field`` names where, the message says which rule."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class ConfigurationError(KikiError):
    """Settings that cannot work."""


class StorageError(KikiError):
    """A database or state store failed; the adapter chains the original error."""
