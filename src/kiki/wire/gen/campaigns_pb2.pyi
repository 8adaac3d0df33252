from kiki.wire.gen import budget_optimizer_pb2 as _budget_optimizer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Campaign(_message.Message):
    __slots__ = ("campaign_id", "client_id", "platform", "name", "status", "pause_reason", "daily_budget_micros", "bid_strategy", "bid_micros", "created_at_unix_micros")
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAUSE_REASON_FIELD_NUMBER: _ClassVar[int]
    DAILY_BUDGET_MICROS_FIELD_NUMBER: _ClassVar[int]
    BID_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    BID_MICROS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    client_id: str
    platform: _budget_optimizer_pb2.Platform
    name: str
    status: str
    pause_reason: str
    daily_budget_micros: int
    bid_strategy: str
    bid_micros: int
    created_at_unix_micros: int
    def __init__(self, campaign_id: _Optional[str] = ..., client_id: _Optional[str] = ..., platform: _Optional[_Union[_budget_optimizer_pb2.Platform, str]] = ..., name: _Optional[str] = ..., status: _Optional[str] = ..., pause_reason: _Optional[str] = ..., daily_budget_micros: _Optional[int] = ..., bid_strategy: _Optional[str] = ..., bid_micros: _Optional[int] = ..., created_at_unix_micros: _Optional[int] = ...) -> None: ...

class ListCampaignsRequest(_message.Message):
    __slots__ = ("client_id",)
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    def __init__(self, client_id: _Optional[str] = ...) -> None: ...

class ListCampaignsResponse(_message.Message):
    __slots__ = ("campaigns", "stale")
    class StaleEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    STALE_FIELD_NUMBER: _ClassVar[int]
    campaigns: _containers.RepeatedCompositeFieldContainer[Campaign]
    stale: _containers.ScalarMap[str, str]
    def __init__(self, campaigns: _Optional[_Iterable[_Union[Campaign, _Mapping]]] = ..., stale: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CampaignChangeRequest(_message.Message):
    __slots__ = ("client_id", "campaign_id", "reason", "idempotency_key")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    campaign_id: str
    reason: str
    idempotency_key: str
    def __init__(self, client_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...
