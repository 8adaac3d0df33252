from kiki.wire.gen import budget_optimizer_pb2 as _budget_optimizer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Connection(_message.Message):
    __slots__ = ("client_id", "platform", "adapter", "account_id", "credentials", "connected_at_unix_micros", "replaced")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    ADAPTER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_AT_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    REPLACED_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    platform: _budget_optimizer_pb2.Platform
    adapter: str
    account_id: str
    credentials: str
    connected_at_unix_micros: int
    replaced: bool
    def __init__(self, client_id: _Optional[str] = ..., platform: _Optional[_Union[_budget_optimizer_pb2.Platform, str]] = ..., adapter: _Optional[str] = ..., account_id: _Optional[str] = ..., credentials: _Optional[str] = ..., connected_at_unix_micros: _Optional[int] = ..., replaced: _Optional[bool] = ...) -> None: ...

class ListConnectionsRequest(_message.Message):
    __slots__ = ("client_id",)
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    def __init__(self, client_id: _Optional[str] = ...) -> None: ...

class ListConnectionsResponse(_message.Message):
    __slots__ = ("connections",)
    CONNECTIONS_FIELD_NUMBER: _ClassVar[int]
    connections: _containers.RepeatedCompositeFieldContainer[Connection]
    def __init__(self, connections: _Optional[_Iterable[_Union[Connection, _Mapping]]] = ...) -> None: ...

class ConnectRequest(_message.Message):
    __slots__ = ("client_id", "platform", "adapter", "account", "credentials", "idempotency_key")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    ADAPTER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    platform: _budget_optimizer_pb2.Platform
    adapter: str
    account: str
    credentials: str
    idempotency_key: str
    def __init__(self, client_id: _Optional[str] = ..., platform: _Optional[_Union[_budget_optimizer_pb2.Platform, str]] = ..., adapter: _Optional[str] = ..., account: _Optional[str] = ..., credentials: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DisconnectRequest(_message.Message):
    __slots__ = ("client_id", "platform", "idempotency_key")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    platform: _budget_optimizer_pb2.Platform
    idempotency_key: str
    def __init__(self, client_id: _Optional[str] = ..., platform: _Optional[_Union[_budget_optimizer_pb2.Platform, str]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CheckPlatformsRequest(_message.Message):
    __slots__ = ("client_id",)
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    def __init__(self, client_id: _Optional[str] = ...) -> None: ...

class AccountCheck(_message.Message):
    __slots__ = ("platform", "adapter", "account_id", "problem", "daily_budget_micros", "spend_today_micros", "conversions_today", "campaigns", "active_campaigns")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    ADAPTER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    DAILY_BUDGET_MICROS_FIELD_NUMBER: _ClassVar[int]
    SPEND_TODAY_MICROS_FIELD_NUMBER: _ClassVar[int]
    CONVERSIONS_TODAY_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    platform: _budget_optimizer_pb2.Platform
    adapter: str
    account_id: str
    problem: str
    daily_budget_micros: int
    spend_today_micros: int
    conversions_today: float
    campaigns: int
    active_campaigns: int
    def __init__(self, platform: _Optional[_Union[_budget_optimizer_pb2.Platform, str]] = ..., adapter: _Optional[str] = ..., account_id: _Optional[str] = ..., problem: _Optional[str] = ..., daily_budget_micros: _Optional[int] = ..., spend_today_micros: _Optional[int] = ..., conversions_today: _Optional[float] = ..., campaigns: _Optional[int] = ..., active_campaigns: _Optional[int] = ...) -> None: ...

class CheckPlatformsResponse(_message.Message):
    __slots__ = ("client_id", "ok", "accounts")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    ok: bool
    accounts: _containers.RepeatedCompositeFieldContainer[AccountCheck]
    def __init__(self, client_id: _Optional[str] = ..., ok: _Optional[bool] = ..., accounts: _Optional[_Iterable[_Union[AccountCheck, _Mapping]]] = ...) -> None: ...
