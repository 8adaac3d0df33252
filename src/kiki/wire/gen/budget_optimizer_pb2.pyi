from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Platform(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLATFORM_UNSPECIFIED: _ClassVar[Platform]
    PLATFORM_META: _ClassVar[Platform]
    PLATFORM_GOOGLE: _ClassVar[Platform]
    PLATFORM_TIKTOK: _ClassVar[Platform]
    PLATFORM_LINKEDIN: _ClassVar[Platform]
    PLATFORM_AMAZON: _ClassVar[Platform]
    PLATFORM_MICROSOFT: _ClassVar[Platform]
PLATFORM_UNSPECIFIED: Platform
PLATFORM_META: Platform
PLATFORM_GOOGLE: Platform
PLATFORM_TIKTOK: Platform
PLATFORM_LINKEDIN: Platform
PLATFORM_AMAZON: Platform
PLATFORM_MICROSOFT: Platform

class PlatformLTVRequest(_message.Message):
    __slots__ = ("client_id", "platform", "lookback_days", "as_of_unix_s", "as_of_unix_micros")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    LOOKBACK_DAYS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_UNIX_S_FIELD_NUMBER: _ClassVar[int]
    AS_OF_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    platform: Platform
    lookback_days: int
    as_of_unix_s: int
    as_of_unix_micros: int
    def __init__(self, client_id: _Optional[str] = ..., platform: _Optional[_Union[Platform, str]] = ..., lookback_days: _Optional[int] = ..., as_of_unix_s: _Optional[int] = ..., as_of_unix_micros: _Optional[int] = ...) -> None: ...

class PlatformLTVResponse(_message.Message):
    __slots__ = ("platform", "ltv_micros")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    LTV_MICROS_FIELD_NUMBER: _ClassVar[int]
    platform: Platform
    ltv_micros: int
    def __init__(self, platform: _Optional[_Union[Platform, str]] = ..., ltv_micros: _Optional[int] = ...) -> None: ...

class PlatformCACRequest(_message.Message):
    __slots__ = ("client_id", "platform", "lookback_days", "as_of_unix_micros")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    LOOKBACK_DAYS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    platform: Platform
    lookback_days: int
    as_of_unix_micros: int
    def __init__(self, client_id: _Optional[str] = ..., platform: _Optional[_Union[Platform, str]] = ..., lookback_days: _Optional[int] = ..., as_of_unix_micros: _Optional[int] = ...) -> None: ...

class PlatformCACResponse(_message.Message):
    __slots__ = ("platform", "cac_micros")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    CAC_MICROS_FIELD_NUMBER: _ClassVar[int]
    platform: Platform
    cac_micros: int
    def __init__(self, platform: _Optional[_Union[Platform, str]] = ..., cac_micros: _Optional[int] = ...) -> None: ...

class Transfer(_message.Message):
    __slots__ = ("transfer_id", "client_id", "shift_id", "kind", "source_account", "destination_account", "amount_micros", "reason", "at_unix_micros", "corrects", "bound_for", "source_before_micros", "destination_before_micros")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SHIFT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MICROS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AT_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    CORRECTS_FIELD_NUMBER: _ClassVar[int]
    BOUND_FOR_FIELD_NUMBER: _ClassVar[int]
    SOURCE_BEFORE_MICROS_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_BEFORE_MICROS_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    client_id: str
    shift_id: str
    kind: str
    source_account: str
    destination_account: str
    amount_micros: int
    reason: str
    at_unix_micros: int
    corrects: str
    bound_for: str
    source_before_micros: int
    destination_before_micros: int
    def __init__(self, transfer_id: _Optional[str] = ..., client_id: _Optional[str] = ..., shift_id: _Optional[str] = ..., kind: _Optional[str] = ..., source_account: _Optional[str] = ..., destination_account: _Optional[str] = ..., amount_micros: _Optional[int] = ..., reason: _Optional[str] = ..., at_unix_micros: _Optional[int] = ..., corrects: _Optional[str] = ..., bound_for: _Optional[str] = ..., source_before_micros: _Optional[int] = ..., destination_before_micros: _Optional[int] = ...) -> None: ...

class BudgetReallocationRequest(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: Transfer
    def __init__(self, transfer: _Optional[_Union[Transfer, _Mapping]] = ...) -> None: ...

class BudgetReallocationResponse(_message.Message):
    __slots__ = ("recorded",)
    RECORDED_FIELD_NUMBER: _ClassVar[int]
    recorded: bool
    def __init__(self, recorded: _Optional[bool] = ...) -> None: ...

class ListBudgetReallocationsRequest(_message.Message):
    __slots__ = ("client_id", "since_unix_micros")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    since_unix_micros: int
    def __init__(self, client_id: _Optional[str] = ..., since_unix_micros: _Optional[int] = ...) -> None: ...

class ListBudgetReallocationsResponse(_message.Message):
    __slots__ = ("transfers",)
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    transfers: _containers.RepeatedCompositeFieldContainer[Transfer]
    def __init__(self, transfers: _Optional[_Iterable[_Union[Transfer, _Mapping]]] = ...) -> None: ...

class BudgetAlertRequest(_message.Message):
    __slots__ = ("client_id", "severity", "title", "message", "details", "details_json")
    class DetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    DETAILS_JSON_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    severity: str
    title: str
    message: str
    details: _containers.ScalarMap[str, str]
    details_json: str
    def __init__(self, client_id: _Optional[str] = ..., severity: _Optional[str] = ..., title: _Optional[str] = ..., message: _Optional[str] = ..., details: _Optional[_Mapping[str, str]] = ..., details_json: _Optional[str] = ...) -> None: ...

class BudgetAlertResponse(_message.Message):
    __slots__ = ("delivered",)
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    delivered: bool
    def __init__(self, delivered: _Optional[bool] = ...) -> None: ...

class BudgetEfficiencyRequest(_message.Message):
    __slots__ = ("client_id", "refresh")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REFRESH_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    refresh: bool
    def __init__(self, client_id: _Optional[str] = ..., refresh: _Optional[bool] = ...) -> None: ...

class PlatformDetail(_message.Message):
    __slots__ = ("platform", "ltv_micros", "cac_micros", "efficiency", "daily_budget_micros")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    LTV_MICROS_FIELD_NUMBER: _ClassVar[int]
    CAC_MICROS_FIELD_NUMBER: _ClassVar[int]
    EFFICIENCY_FIELD_NUMBER: _ClassVar[int]
    DAILY_BUDGET_MICROS_FIELD_NUMBER: _ClassVar[int]
    platform: Platform
    ltv_micros: int
    cac_micros: int
    efficiency: float
    daily_budget_micros: int
    def __init__(self, platform: _Optional[_Union[Platform, str]] = ..., ltv_micros: _Optional[int] = ..., cac_micros: _Optional[int] = ..., efficiency: _Optional[float] = ..., daily_budget_micros: _Optional[int] = ...) -> None: ...

class BudgetEfficiencyResponse(_message.Message):
    __slots__ = ("timestamp", "average_efficiency", "best_platform", "best_efficiency", "platform_details", "read_at_unix_micros", "age_s")
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_EFFICIENCY_FIELD_NUMBER: _ClassVar[int]
    BEST_PLATFORM_FIELD_NUMBER: _ClassVar[int]
    BEST_EFFICIENCY_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_DETAILS_FIELD_NUMBER: _ClassVar[int]
    READ_AT_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    AGE_S_FIELD_NUMBER: _ClassVar[int]
    timestamp: int
    average_efficiency: float
    best_platform: Platform
    best_efficiency: float
    platform_details: _containers.RepeatedCompositeFieldContainer[PlatformDetail]
    read_at_unix_micros: int
    age_s: float
    def __init__(self, timestamp: _Optional[int] = ..., average_efficiency: _Optional[float] = ..., best_platform: _Optional[_Union[Platform, str]] = ..., best_efficiency: _Optional[float] = ..., platform_details: _Optional[_Iterable[_Union[PlatformDetail, _Mapping]]] = ..., read_at_unix_micros: _Optional[int] = ..., age_s: _Optional[float] = ...) -> None: ...

class RunOptimizationCycleRequest(_message.Message):
    __slots__ = ("client_id", "dry_run", "idempotency_key")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    dry_run: bool
    idempotency_key: str
    def __init__(self, client_id: _Optional[str] = ..., dry_run: _Optional[bool] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class Shift(_message.Message):
    __slots__ = ("shift_id", "from_platform", "to_platform", "amount_micros", "reason", "result", "detail")
    SHIFT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_PLATFORM_FIELD_NUMBER: _ClassVar[int]
    TO_PLATFORM_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MICROS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    shift_id: str
    from_platform: Platform
    to_platform: Platform
    amount_micros: int
    reason: str
    result: str
    detail: str
    def __init__(self, shift_id: _Optional[str] = ..., from_platform: _Optional[_Union[Platform, str]] = ..., to_platform: _Optional[_Union[Platform, str]] = ..., amount_micros: _Optional[int] = ..., reason: _Optional[str] = ..., result: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class RunOptimizationCycleResponse(_message.Message):
    __slots__ = ("status", "average_efficiency", "best_platform", "underperformers", "planned_shifts", "outcomes", "replayed")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_EFFICIENCY_FIELD_NUMBER: _ClassVar[int]
    BEST_PLATFORM_FIELD_NUMBER: _ClassVar[int]
    UNDERPERFORMERS_FIELD_NUMBER: _ClassVar[int]
    PLANNED_SHIFTS_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    status: str
    average_efficiency: float
    best_platform: Platform
    underperformers: _containers.RepeatedScalarFieldContainer[Platform]
    planned_shifts: _containers.RepeatedCompositeFieldContainer[Shift]
    outcomes: _containers.RepeatedCompositeFieldContainer[Shift]
    replayed: bool
    def __init__(self, status: _Optional[str] = ..., average_efficiency: _Optional[float] = ..., best_platform: _Optional[_Union[Platform, str]] = ..., underperformers: _Optional[_Iterable[_Union[Platform, str]]] = ..., planned_shifts: _Optional[_Iterable[_Union[Shift, _Mapping]]] = ..., outcomes: _Optional[_Iterable[_Union[Shift, _Mapping]]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class ClientState(_message.Message):
    __slots__ = ("client_id", "state", "reason", "since_unix_micros")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SINCE_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    state: str
    reason: str
    since_unix_micros: int
    def __init__(self, client_id: _Optional[str] = ..., state: _Optional[str] = ..., reason: _Optional[str] = ..., since_unix_micros: _Optional[int] = ...) -> None: ...

class ListClientStatesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListClientStatesResponse(_message.Message):
    __slots__ = ("clients",)
    CLIENTS_FIELD_NUMBER: _ClassVar[int]
    clients: _containers.RepeatedCompositeFieldContainer[ClientState]
    def __init__(self, clients: _Optional[_Iterable[_Union[ClientState, _Mapping]]] = ...) -> None: ...

class ClientChangeRequest(_message.Message):
    __slots__ = ("client_id", "reason", "idempotency_key")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    reason: str
    idempotency_key: str
    def __init__(self, client_id: _Optional[str] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ClientSettingsRequest(_message.Message):
    __slots__ = ("client_id",)
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    def __init__(self, client_id: _Optional[str] = ...) -> None: ...

class ChangeClientSettingsRequest(_message.Message):
    __slots__ = ("client_id", "changes_json", "idempotency_key")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGES_JSON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    changes_json: str
    idempotency_key: str
    def __init__(self, client_id: _Optional[str] = ..., changes_json: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ClientSettings(_message.Message):
    __slots__ = ("client_id", "settings_json")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_JSON_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    settings_json: str
    def __init__(self, client_id: _Optional[str] = ..., settings_json: _Optional[str] = ...) -> None: ...
