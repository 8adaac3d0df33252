"""The Protocols SyncFlow's services need beyond the shared gateway, ledger, audit and notifier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.client_state import ClientStatus
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.report import CycleReport
from kiki.syncledger.fencing import Lease


class ValueSource(Protocol):
    def platform_ltv(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        """Average LTV of customers the platform acquired in the lookback; None if none were."""
        ...

    def platform_cac(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        """CAC measured from the client's own spend, or None to use the gateway's CAC."""
        ...


@runtime_checkable
class PlatformValues(Protocol):
    """A ValueSource that answers every platform at once (one query, not two per platform);
    the cycle uses it when its ValueSource offers it."""

    def platform_values(
        self,
        client_id: str,
        platforms: Iterable[Platform],
        *,
        lookback_days: int,
        as_of: datetime,
    ) -> Mapping[Platform, tuple[Money | None, Money | None]]:
        """(LTV, CAC) of each platform, as ``platform_ltv`` and ``platform_cac`` answer."""
        ...


class ClientConfigStore(Protocol):
    def get(self, client_id: str) -> OptimizerConfig: ...

    def put(self, client_id: str, config: OptimizerConfig, *, now: datetime) -> None: ...


class OptimizerMetrics(Protocol):
    def observe_efficiency(self, platform: Platform, value: float) -> None: ...

    def count_shift(self, source: Platform, destination: Platform) -> None: ...

    def count_left_out(self, platform: Platform, reason: str) -> None: ...

    def count_platform_error(self, platform: Platform, operation: str) -> None: ...

    def observe_cycle(self, duration_s: float) -> None: ...

    def count_reconciliation(self, result: str) -> None:
        """A pending transfer resolved: POSTED, VOIDED, ROLLED_BACK or STUCK."""
        ...


class ReadingBook(Protocol):
    """The readings each cycle used, so that reports need not call the platforms again."""

    def record(self, report: CycleReport) -> None:
        """Keep ``report`` as the client's latest reading if it is newer than the one kept."""
        ...

    def latest(self, client_id: str) -> CycleReport | None: ...


class ClientStates(Protocol):
    """Client states, kept durably outside the ledger tables."""

    def get(self, client_id: str) -> ClientStatus:
        """The client's state; ACTIVE when none was ever set."""
        ...

    def set(self, status: ClientStatus) -> None: ...

    def all(self) -> list[ClientStatus]:
        """Every client whose state was ever set, by client id."""
        ...


class CycleLeases(Protocol):
    def acquire(self, client_id: str, *, ttl_s: float, now: datetime) -> Lease | None:
        """Take the client's lease, or None while another holder's is live."""
        ...

    def holds(self, lease: Lease, *, now: datetime) -> bool:
        """Whether ``lease`` is still the client's and unexpired (checked before each write)."""
        ...

    def release(self, lease: Lease) -> None:
        """Give the lease up if it is still this one (a lost lease is left to its new holder)."""
        ...
