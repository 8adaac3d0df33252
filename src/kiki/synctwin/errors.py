"""SyncTwin's errors: the gate's hard rejection and a client the twin has no baseline for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiki.core.errors import KikiError

if TYPE_CHECKING:
    from kiki.synctwin.domain.simulation import SimulationResult


class SyncTwinError(KikiError):
    """SyncTwin could not give, or refused, a verdict."""


class CampaignRejectedError(SyncTwinError):
    """The pre-launch gate rejected the campaign; nothing was launched. No override exists."""

    def __init__(self, result: SimulationResult, decision_id: str) -> None:
        super().__init__(rejection_message(result))
        self.result = result
        self.decision_id = decision_id


class NoBaselineError(SyncTwinError, LookupError):
    """No historical baseline is known for the client, so no simulation can run."""

    def __init__(self, client_id: str, lookback_days: int) -> None:
        super().__init__(
            f"no baseline known for client {client_id!r} over the last {lookback_days} days; "
            "record one with `kiki twin baseline` or import the client's history into SyncValue"
        )
        self.client_id = client_id


def rejection_message(result: SimulationResult) -> str:
    """The seed's message, character for character (a float-formatted dollar figure)."""
    body = result.to_dict()
    return (
        "SyncTwin simulation rejected this campaign. "
        f"ConfidenceScore: {body['confidence_score']}, "
        f"Projected Net Profit: ${body['projected_net_profit_uplift']:,.2f}"
    )
