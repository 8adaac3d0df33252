from kiki.wire.gen import budget_optimizer_pb2 as _budget_optimizer_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Strategy(_message.Message):
    __slots__ = ("name", "audience_size", "cvr", "daily_budget_micros", "platform")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CVR_FIELD_NUMBER: _ClassVar[int]
    DAILY_BUDGET_MICROS_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    name: str
    audience_size: int
    cvr: float
    daily_budget_micros: int
    platform: _budget_optimizer_pb2.Platform
    def __init__(self, name: _Optional[str] = ..., audience_size: _Optional[int] = ..., cvr: _Optional[float] = ..., daily_budget_micros: _Optional[int] = ..., platform: _Optional[_Union[_budget_optimizer_pb2.Platform, str]] = ...) -> None: ...

class Baseline(_message.Message):
    __slots__ = ("avg_order_value_micros", "monthly_revenue_micros", "monthly_ad_spend_micros")
    AVG_ORDER_VALUE_MICROS_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_REVENUE_MICROS_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_AD_SPEND_MICROS_FIELD_NUMBER: _ClassVar[int]
    avg_order_value_micros: int
    monthly_revenue_micros: int
    monthly_ad_spend_micros: int
    def __init__(self, avg_order_value_micros: _Optional[int] = ..., monthly_revenue_micros: _Optional[int] = ..., monthly_ad_spend_micros: _Optional[int] = ...) -> None: ...

class SimulateStrategyRequest(_message.Message):
    __slots__ = ("client_id", "strategy", "baseline", "seed")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    BASELINE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    strategy: Strategy
    baseline: Baseline
    seed: int
    def __init__(self, client_id: _Optional[str] = ..., strategy: _Optional[_Union[Strategy, _Mapping]] = ..., baseline: _Optional[_Union[Baseline, _Mapping]] = ..., seed: _Optional[int] = ...) -> None: ...

class SimulationResult(_message.Message):
    __slots__ = ("approved", "confidence_score", "projected_net_profit_uplift_micros", "risk_profile", "seed", "total_simulations", "positive_outcomes", "p10_uplift_micros", "p90_uplift_micros", "exact_confidence", "standard_error", "threshold")
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_SCORE_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_NET_PROFIT_UPLIFT_MICROS_FIELD_NUMBER: _ClassVar[int]
    RISK_PROFILE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIMULATIONS_FIELD_NUMBER: _ClassVar[int]
    POSITIVE_OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    P10_UPLIFT_MICROS_FIELD_NUMBER: _ClassVar[int]
    P90_UPLIFT_MICROS_FIELD_NUMBER: _ClassVar[int]
    EXACT_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    STANDARD_ERROR_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    approved: bool
    confidence_score: float
    projected_net_profit_uplift_micros: int
    risk_profile: str
    seed: str
    total_simulations: int
    positive_outcomes: int
    p10_uplift_micros: int
    p90_uplift_micros: int
    exact_confidence: float
    standard_error: float
    threshold: float
    def __init__(self, approved: _Optional[bool] = ..., confidence_score: _Optional[float] = ..., projected_net_profit_uplift_micros: _Optional[int] = ..., risk_profile: _Optional[str] = ..., seed: _Optional[str] = ..., total_simulations: _Optional[int] = ..., positive_outcomes: _Optional[int] = ..., p10_uplift_micros: _Optional[int] = ..., p90_uplift_micros: _Optional[int] = ..., exact_confidence: _Optional[float] = ..., standard_error: _Optional[float] = ..., threshold: _Optional[float] = ...) -> None: ...

class LaunchCampaignRequest(_message.Message):
    __slots__ = ("client_id", "strategy", "idempotency_key")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    strategy: Strategy
    idempotency_key: str
    def __init__(self, client_id: _Optional[str] = ..., strategy: _Optional[_Union[Strategy, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class LaunchCampaignResponse(_message.Message):
    __slots__ = ("approved", "campaign_id", "decision_id", "simulation", "message")
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    SIMULATION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    approved: bool
    campaign_id: str
    decision_id: str
    simulation: SimulationResult
    message: str
    def __init__(self, approved: _Optional[bool] = ..., campaign_id: _Optional[str] = ..., decision_id: _Optional[str] = ..., simulation: _Optional[_Union[SimulationResult, _Mapping]] = ..., message: _Optional[str] = ...) -> None: ...
