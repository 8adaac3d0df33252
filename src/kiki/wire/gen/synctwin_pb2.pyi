import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from kiki.wire.gen import budget_optimizer_pb2 as _budget_optimizer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MirrorAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NONE: _ClassVar[MirrorAction]
    WARMING_UP: _ClassVar[MirrorAction]
    ROLLED_BACK: _ClassVar[MirrorAction]
    ALERTED: _ClassVar[MirrorAction]
    ALREADY_ROLLED_BACK: _ClassVar[MirrorAction]
    IGNORED_STALE: _ClassVar[MirrorAction]
    UNKNOWN_CAMPAIGN: _ClassVar[MirrorAction]
NONE: MirrorAction
WARMING_UP: MirrorAction
ROLLED_BACK: MirrorAction
ALERTED: MirrorAction
ALREADY_ROLLED_BACK: MirrorAction
IGNORED_STALE: MirrorAction
UNKNOWN_CAMPAIGN: MirrorAction

class BidStreamBatch(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[BidStreamEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[BidStreamEvent, _Mapping]]] = ...) -> None: ...

class BidStreamEvent(_message.Message):
    __slots__ = ("campaign_id", "sequence", "total_spend_micros", "conversions", "revenue_micros", "timestamp")
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SPEND_MICROS_FIELD_NUMBER: _ClassVar[int]
    CONVERSIONS_FIELD_NUMBER: _ClassVar[int]
    REVENUE_MICROS_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    sequence: int
    total_spend_micros: int
    conversions: float
    revenue_micros: int
    timestamp: _timestamp_pb2.Timestamp
    def __init__(self, campaign_id: _Optional[str] = ..., sequence: _Optional[int] = ..., total_spend_micros: _Optional[int] = ..., conversions: _Optional[float] = ..., revenue_micros: _Optional[int] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MirrorDecisionBatch(_message.Message):
    __slots__ = ("decisions",)
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[MirrorDecision]
    def __init__(self, decisions: _Optional[_Iterable[_Union[MirrorDecision, _Mapping]]] = ...) -> None: ...

class MirrorDecision(_message.Message):
    __slots__ = ("campaign_id", "sequence", "projected_revenue_micros", "deviation", "action")
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_REVENUE_MICROS_FIELD_NUMBER: _ClassVar[int]
    DEVIATION_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    sequence: int
    projected_revenue_micros: int
    deviation: float
    action: MirrorAction
    def __init__(self, campaign_id: _Optional[str] = ..., sequence: _Optional[int] = ..., projected_revenue_micros: _Optional[int] = ..., deviation: _Optional[float] = ..., action: _Optional[_Union[MirrorAction, str]] = ...) -> None: ...

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

class GateRequest(_message.Message):
    __slots__ = ("client_id",)
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    def __init__(self, client_id: _Optional[str] = ...) -> None: ...

class GateReviewRequest(_message.Message):
    __slots__ = ("client_id", "since")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    since: str
    def __init__(self, client_id: _Optional[str] = ..., since: _Optional[str] = ...) -> None: ...

class ApplyGateThresholdRequest(_message.Message):
    __slots__ = ("client_id", "idempotency_key")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    idempotency_key: str
    def __init__(self, client_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class Share(_message.Message):
    __slots__ = ("count", "total", "rate", "low", "high")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    LOW_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    count: int
    total: int
    rate: float
    low: float
    high: float
    def __init__(self, count: _Optional[int] = ..., total: _Optional[int] = ..., rate: _Optional[float] = ..., low: _Optional[float] = ..., high: _Optional[float] = ...) -> None: ...

class ReliabilityBin(_message.Message):
    __slots__ = ("low", "high", "count", "mean_confidence", "profitable", "p_value", "off_diagonal")
    LOW_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    MEAN_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    PROFITABLE_FIELD_NUMBER: _ClassVar[int]
    P_VALUE_FIELD_NUMBER: _ClassVar[int]
    OFF_DIAGONAL_FIELD_NUMBER: _ClassVar[int]
    low: float
    high: float
    count: int
    mean_confidence: float
    profitable: Share
    p_value: float
    off_diagonal: bool
    def __init__(self, low: _Optional[float] = ..., high: _Optional[float] = ..., count: _Optional[int] = ..., mean_confidence: _Optional[float] = ..., profitable: _Optional[_Union[Share, _Mapping]] = ..., p_value: _Optional[float] = ..., off_diagonal: _Optional[bool] = ...) -> None: ...

class GateCalibration(_message.Message):
    __slots__ = ("client_id", "outcomes", "profitable", "brier_score", "log_loss", "log_loss_clipped", "expected_calibration_error", "miscalibrated", "bins")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    PROFITABLE_FIELD_NUMBER: _ClassVar[int]
    BRIER_SCORE_FIELD_NUMBER: _ClassVar[int]
    LOG_LOSS_FIELD_NUMBER: _ClassVar[int]
    LOG_LOSS_CLIPPED_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_CALIBRATION_ERROR_FIELD_NUMBER: _ClassVar[int]
    MISCALIBRATED_FIELD_NUMBER: _ClassVar[int]
    BINS_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    outcomes: int
    profitable: int
    brier_score: float
    log_loss: float
    log_loss_clipped: int
    expected_calibration_error: float
    miscalibrated: bool
    bins: _containers.RepeatedCompositeFieldContainer[ReliabilityBin]
    def __init__(self, client_id: _Optional[str] = ..., outcomes: _Optional[int] = ..., profitable: _Optional[int] = ..., brier_score: _Optional[float] = ..., log_loss: _Optional[float] = ..., log_loss_clipped: _Optional[int] = ..., expected_calibration_error: _Optional[float] = ..., miscalibrated: _Optional[bool] = ..., bins: _Optional[_Iterable[_Union[ReliabilityBin, _Mapping]]] = ...) -> None: ...

class GateCalibrationReport(_message.Message):
    __slots__ = ("overall", "clients")
    OVERALL_FIELD_NUMBER: _ClassVar[int]
    CLIENTS_FIELD_NUMBER: _ClassVar[int]
    overall: GateCalibration
    clients: _containers.RepeatedCompositeFieldContainer[GateCalibration]
    def __init__(self, overall: _Optional[_Union[GateCalibration, _Mapping]] = ..., clients: _Optional[_Iterable[_Union[GateCalibration, _Mapping]]] = ...) -> None: ...

class ConfusionCounts(_message.Message):
    __slots__ = ("true_positives", "false_positives", "true_negatives", "false_negatives")
    TRUE_POSITIVES_FIELD_NUMBER: _ClassVar[int]
    FALSE_POSITIVES_FIELD_NUMBER: _ClassVar[int]
    TRUE_NEGATIVES_FIELD_NUMBER: _ClassVar[int]
    FALSE_NEGATIVES_FIELD_NUMBER: _ClassVar[int]
    true_positives: int
    false_positives: int
    true_negatives: int
    false_negatives: int
    def __init__(self, true_positives: _Optional[int] = ..., false_positives: _Optional[int] = ..., true_negatives: _Optional[int] = ..., false_negatives: _Optional[int] = ...) -> None: ...

class ThresholdCandidate(_message.Message):
    __slots__ = ("threshold", "confusion", "false_negative_rate", "false_positive_rate", "protected_micros", "forgone_micros", "net_micros", "meets_targets", "demonstrated")
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    CONFUSION_FIELD_NUMBER: _ClassVar[int]
    FALSE_NEGATIVE_RATE_FIELD_NUMBER: _ClassVar[int]
    FALSE_POSITIVE_RATE_FIELD_NUMBER: _ClassVar[int]
    PROTECTED_MICROS_FIELD_NUMBER: _ClassVar[int]
    FORGONE_MICROS_FIELD_NUMBER: _ClassVar[int]
    NET_MICROS_FIELD_NUMBER: _ClassVar[int]
    MEETS_TARGETS_FIELD_NUMBER: _ClassVar[int]
    DEMONSTRATED_FIELD_NUMBER: _ClassVar[int]
    threshold: float
    confusion: ConfusionCounts
    false_negative_rate: Share
    false_positive_rate: Share
    protected_micros: int
    forgone_micros: int
    net_micros: int
    meets_targets: bool
    demonstrated: bool
    def __init__(self, threshold: _Optional[float] = ..., confusion: _Optional[_Union[ConfusionCounts, _Mapping]] = ..., false_negative_rate: _Optional[_Union[Share, _Mapping]] = ..., false_positive_rate: _Optional[_Union[Share, _Mapping]] = ..., protected_micros: _Optional[int] = ..., forgone_micros: _Optional[int] = ..., net_micros: _Optional[int] = ..., meets_targets: _Optional[bool] = ..., demonstrated: _Optional[bool] = ...) -> None: ...

class GateThresholdChange(_message.Message):
    __slots__ = ("scope", "previous_threshold", "threshold", "status", "since_unix_micros", "until_unix_micros", "outcomes", "profitable", "losing", "min_profitable", "min_losing", "fn_target", "fp_target", "current", "recommended", "refusals", "explanation", "calibration", "candidates", "replayed")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SINCE_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    UNTIL_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    PROFITABLE_FIELD_NUMBER: _ClassVar[int]
    LOSING_FIELD_NUMBER: _ClassVar[int]
    MIN_PROFITABLE_FIELD_NUMBER: _ClassVar[int]
    MIN_LOSING_FIELD_NUMBER: _ClassVar[int]
    FN_TARGET_FIELD_NUMBER: _ClassVar[int]
    FP_TARGET_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_FIELD_NUMBER: _ClassVar[int]
    REFUSALS_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    CALIBRATION_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    scope: str
    previous_threshold: float
    threshold: float
    status: str
    since_unix_micros: int
    until_unix_micros: int
    outcomes: int
    profitable: int
    losing: int
    min_profitable: int
    min_losing: int
    fn_target: float
    fp_target: float
    current: ThresholdCandidate
    recommended: ThresholdCandidate
    refusals: _containers.RepeatedScalarFieldContainer[str]
    explanation: str
    calibration: GateCalibration
    candidates: _containers.RepeatedCompositeFieldContainer[ThresholdCandidate]
    replayed: bool
    def __init__(self, scope: _Optional[str] = ..., previous_threshold: _Optional[float] = ..., threshold: _Optional[float] = ..., status: _Optional[str] = ..., since_unix_micros: _Optional[int] = ..., until_unix_micros: _Optional[int] = ..., outcomes: _Optional[int] = ..., profitable: _Optional[int] = ..., losing: _Optional[int] = ..., min_profitable: _Optional[int] = ..., min_losing: _Optional[int] = ..., fn_target: _Optional[float] = ..., fp_target: _Optional[float] = ..., current: _Optional[_Union[ThresholdCandidate, _Mapping]] = ..., recommended: _Optional[_Union[ThresholdCandidate, _Mapping]] = ..., refusals: _Optional[_Iterable[str]] = ..., explanation: _Optional[str] = ..., calibration: _Optional[_Union[GateCalibration, _Mapping]] = ..., candidates: _Optional[_Iterable[_Union[ThresholdCandidate, _Mapping]]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class RejectedCampaign(_message.Message):
    __slots__ = ("decision_id", "client_id", "at_unix_micros", "confidence", "risk_profile", "projected_net_profit_uplift_micros", "actual_net_profit_micros", "shadow_verdict")
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    AT_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    RISK_PROFILE_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_NET_PROFIT_UPLIFT_MICROS_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_NET_PROFIT_MICROS_FIELD_NUMBER: _ClassVar[int]
    SHADOW_VERDICT_FIELD_NUMBER: _ClassVar[int]
    decision_id: str
    client_id: str
    at_unix_micros: int
    confidence: float
    risk_profile: str
    projected_net_profit_uplift_micros: int
    actual_net_profit_micros: int
    shadow_verdict: str
    def __init__(self, decision_id: _Optional[str] = ..., client_id: _Optional[str] = ..., at_unix_micros: _Optional[int] = ..., confidence: _Optional[float] = ..., risk_profile: _Optional[str] = ..., projected_net_profit_uplift_micros: _Optional[int] = ..., actual_net_profit_micros: _Optional[int] = ..., shadow_verdict: _Optional[str] = ...) -> None: ...

class GateRates(_message.Message):
    __slots__ = ("since_unix_micros", "until_unix_micros", "confusion", "false_negative_rate", "false_positive_rate", "fn_target", "fp_target", "false_negative_alert", "false_positive_alert")
    SINCE_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    UNTIL_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    CONFUSION_FIELD_NUMBER: _ClassVar[int]
    FALSE_NEGATIVE_RATE_FIELD_NUMBER: _ClassVar[int]
    FALSE_POSITIVE_RATE_FIELD_NUMBER: _ClassVar[int]
    FN_TARGET_FIELD_NUMBER: _ClassVar[int]
    FP_TARGET_FIELD_NUMBER: _ClassVar[int]
    FALSE_NEGATIVE_ALERT_FIELD_NUMBER: _ClassVar[int]
    FALSE_POSITIVE_ALERT_FIELD_NUMBER: _ClassVar[int]
    since_unix_micros: int
    until_unix_micros: int
    confusion: ConfusionCounts
    false_negative_rate: Share
    false_positive_rate: Share
    fn_target: float
    fp_target: float
    false_negative_alert: bool
    false_positive_alert: bool
    def __init__(self, since_unix_micros: _Optional[int] = ..., until_unix_micros: _Optional[int] = ..., confusion: _Optional[_Union[ConfusionCounts, _Mapping]] = ..., false_negative_rate: _Optional[_Union[Share, _Mapping]] = ..., false_positive_rate: _Optional[_Union[Share, _Mapping]] = ..., fn_target: _Optional[float] = ..., fp_target: _Optional[float] = ..., false_negative_alert: _Optional[bool] = ..., false_positive_alert: _Optional[bool] = ...) -> None: ...

class GateReview(_message.Message):
    __slots__ = ("client_id", "since_unix_micros", "until_unix_micros", "rejected", "forgone_micros", "protected_micros", "trailing", "alert", "alert_reasons", "current_threshold", "recommended_threshold", "recommendation", "refusals", "calibration")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    UNTIL_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    FORGONE_MICROS_FIELD_NUMBER: _ClassVar[int]
    PROTECTED_MICROS_FIELD_NUMBER: _ClassVar[int]
    TRAILING_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    ALERT_REASONS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATION_FIELD_NUMBER: _ClassVar[int]
    REFUSALS_FIELD_NUMBER: _ClassVar[int]
    CALIBRATION_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    since_unix_micros: int
    until_unix_micros: int
    rejected: _containers.RepeatedCompositeFieldContainer[RejectedCampaign]
    forgone_micros: int
    protected_micros: int
    trailing: GateRates
    alert: bool
    alert_reasons: _containers.RepeatedScalarFieldContainer[str]
    current_threshold: float
    recommended_threshold: float
    recommendation: str
    refusals: _containers.RepeatedScalarFieldContainer[str]
    calibration: GateCalibration
    def __init__(self, client_id: _Optional[str] = ..., since_unix_micros: _Optional[int] = ..., until_unix_micros: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[RejectedCampaign, _Mapping]]] = ..., forgone_micros: _Optional[int] = ..., protected_micros: _Optional[int] = ..., trailing: _Optional[_Union[GateRates, _Mapping]] = ..., alert: _Optional[bool] = ..., alert_reasons: _Optional[_Iterable[str]] = ..., current_threshold: _Optional[float] = ..., recommended_threshold: _Optional[float] = ..., recommendation: _Optional[str] = ..., refusals: _Optional[_Iterable[str]] = ..., calibration: _Optional[_Union[GateCalibration, _Mapping]] = ...) -> None: ...
