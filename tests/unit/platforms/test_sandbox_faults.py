"""SandboxPlatform's injected outages and latency, and the bad input it refuses unchanged."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.campaigns.domain import Bid, CampaignRef, PauseReason
from kiki.core.clock import VirtualClock
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms import PlatformUnavailableError, UnknownClientError
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.platforms.sandbox.ports import SandboxView

HOUR_S = 3600.0
META = Platform.META


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def store() -> InMemorySandboxStore:
    return InMemorySandboxStore()


@pytest.fixture
def sandbox(store: InMemorySandboxStore, clock: VirtualClock) -> SandboxPlatform:
    platform = SandboxPlatform(store, clock)
    for client in ("acme", "globex"):
        platform.open_client(client, demo_accounts())
    clock.advance(HOUR_S)
    return platform


def meta_ref(sandbox: SandboxPlatform, client: str = "acme") -> CampaignRef:
    return sandbox.read_campaigns(client, META, window_s=HOUR_S)[0].state.ref


def calls_of(sandbox: SandboxPlatform, ref: CampaignRef) -> dict[str, list[Callable[[], object]]]:
    return {
        "read": [
            lambda: sandbox.read("acme", META, window_s=HOUR_S),
            lambda: sandbox.read_campaigns("acme", META, window_s=HOUR_S),
        ],
        "set": [
            lambda: sandbox.set_daily_budget("acme", META, Money(1)),
            lambda: sandbox.set_campaign_budget(ref, Money(2)),
            lambda: sandbox.set_bid(ref, Bid()),
            lambda: sandbox.pause(ref, PauseReason.MANUAL),
            lambda: sandbox.resume(ref),
        ],
        "create_campaign": [
            lambda: sandbox.create_campaign(
                "acme", META, name="x", daily_budget=Money(1), bid=Bid()
            )
        ],
    }


@pytest.mark.parametrize("operation", ["read", "set", "create_campaign"])
def test_an_outage_fails_exactly_its_operations_and_changes_nothing(
    sandbox: SandboxPlatform, operation: str
) -> None:
    calls = calls_of(sandbox, meta_ref(sandbox))
    before = sandbox.show("acme", window_s=HOUR_S)
    sandbox.fail(META, operation)
    for call in calls[operation]:
        with pytest.raises(PlatformUnavailableError, match="Meta API unavailable") as raised:
            call()
        assert (raised.value.platform, raised.value.operation) == (META, operation)
    assert sandbox.show("acme", window_s=HOUR_S) == before
    for other, others in calls.items():
        if other != operation:
            for call in others:
                call()
    sandbox.read("acme", Platform.GOOGLE, window_s=HOUR_S)


def test_a_counted_outage_fails_that_many_calls(sandbox: SandboxPlatform) -> None:
    sandbox.fail(META, "read", times=2)
    for _ in range(2):
        with pytest.raises(PlatformUnavailableError):
            sandbox.read("acme", META, window_s=HOUR_S)
    assert sandbox.read("acme", META, window_s=HOUR_S).daily_budget == Money(500_000_000)


def test_an_outage_of_every_operation_lasts_until_healed(sandbox: SandboxPlatform) -> None:
    calls = [c for cs in calls_of(sandbox, meta_ref(sandbox)).values() for c in cs]
    sandbox.fail(META)
    sandbox.fail(Platform.GOOGLE, "set")
    for call in calls * 2:
        with pytest.raises(PlatformUnavailableError):
            call()
    sandbox.heal(META)
    sandbox.read("acme", META, window_s=HOUR_S)
    with pytest.raises(PlatformUnavailableError):
        sandbox.set_daily_budget("acme", Platform.GOOGLE, Money(1))
    sandbox.heal()
    sandbox.set_daily_budget("acme", Platform.GOOGLE, Money(1))


def test_an_outage_for_one_client_spares_the_others(sandbox: SandboxPlatform) -> None:
    sandbox.fail(META, "read", client_id="acme")
    with pytest.raises(PlatformUnavailableError):
        sandbox.read("acme", META, window_s=HOUR_S)
    sandbox.read("globex", META, window_s=HOUR_S)


def test_people_can_still_look_during_an_outage(sandbox: SandboxPlatform) -> None:
    sandbox.fail(META)
    assert isinstance(sandbox.show("acme", window_s=HOUR_S), SandboxView)
    assert META in sandbox.platforms("acme")
    sandbox.shock("acme", META, cpm_factor=2)


def test_an_outage_is_seen_by_another_platform_object_on_the_same_store(
    sandbox: SandboxPlatform, store: InMemorySandboxStore, clock: VirtualClock
) -> None:
    SandboxPlatform(store, clock).fail(META, "read", times=1)
    with pytest.raises(PlatformUnavailableError):
        sandbox.read("acme", META, window_s=HOUR_S)


@pytest.mark.parametrize(
    ("operation", "times"),
    [("delete", None), ("", None), ("read", 0), ("read", -1), ("read", True)],
)
def test_an_outage_that_makes_no_sense_is_refused(
    sandbox: SandboxPlatform, operation: str, times: int | None
) -> None:
    with pytest.raises(InvalidInputError, match=r"operation|times"):
        sandbox.fail(META, operation, times=times)
    sandbox.read("acme", META, window_s=HOUR_S)


def test_every_gateway_call_waits_the_latency_and_the_controls_do_not(
    store: InMemorySandboxStore, clock: VirtualClock
) -> None:
    slept: list[float] = []
    sandbox = SandboxPlatform(store, clock, latency_s=0.1, sleep=slept.append)
    sandbox.open_client("acme", demo_accounts())
    sandbox.shock("acme", META, cpm_factor=1.5)
    sandbox.show("acme", window_s=HOUR_S)
    assert slept == []
    ref = meta_ref(sandbox)
    slept.clear()
    for calls in calls_of(sandbox, ref).values():
        for call in calls:
            call()
    sandbox.platforms("acme")
    assert slept == [0.1] * 9


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), float("-inf"), 0, 0.0, 1e308, -1.0, 0.001, 101, True, "2"]
)
@pytest.mark.parametrize("factor", ["cpm_factor", "cvr_factor", "spend_factor"])
def test_a_shock_outside_the_rules_is_refused_and_changes_nothing(
    sandbox: SandboxPlatform, clock: VirtualClock, bad: object, factor: str
) -> None:
    sandbox.shock("acme", META, cvr_factor=0.8)
    before = sandbox.show("acme", window_s=HOUR_S)
    # a valid factor beside the bad one is not applied either
    kwargs: dict[str, object] = (
        {"spend_factor": 2.0} if factor != "spend_factor" else {"cpm_factor": 1.4}
    )
    kwargs[factor] = bad
    with pytest.raises(InvalidInputError, match=factor):
        sandbox.shock("acme", META, **kwargs)  # type: ignore[arg-type]
    assert sandbox.show("acme", window_s=HOUR_S) == before


def test_a_shock_or_reset_of_an_unknown_client_is_refused(sandbox: SandboxPlatform) -> None:
    with pytest.raises(UnknownClientError):
        sandbox.shock("nobody", META, cpm_factor=2)
    with pytest.raises(UnknownClientError):
        sandbox.reset("nobody")
    with pytest.raises(UnknownClientError):
        sandbox.show("nobody", window_s=HOUR_S)


@pytest.mark.parametrize("window_s", [0.0, -1.0, float("nan"), float("inf"), 40 * 24 * HOUR_S])
def test_a_window_outside_what_the_sandbox_keeps_is_refused(
    sandbox: SandboxPlatform, window_s: float
) -> None:
    with pytest.raises(InvalidInputError, match="window_s"):
        sandbox.read("acme", META, window_s=window_s)
    with pytest.raises(InvalidInputError, match="window_s"):
        sandbox.show("acme", window_s=window_s)


def test_a_campaign_without_a_name_or_with_a_negative_budget_is_not_created(
    sandbox: SandboxPlatform,
) -> None:
    before = sandbox.show("acme", window_s=HOUR_S)
    with pytest.raises(InvalidInputError, match="name"):
        sandbox.create_campaign("acme", META, name="  ", daily_budget=Money(1), bid=Bid())
    with pytest.raises(InvalidInputError, match="daily_budget"):
        sandbox.create_campaign("acme", META, name="x", daily_budget=Money(-1), bid=Bid())
    with pytest.raises(InvalidInputError, match="daily_budget"):
        sandbox.set_campaign_budget(meta_ref(sandbox), Money(-1))
    assert sandbox.show("acme", window_s=HOUR_S) == before


@pytest.mark.parametrize("client_id", ["", "   ", "a" * 101, "tab\there"])
def test_a_client_id_that_makes_no_sense_is_not_opened(
    store: InMemorySandboxStore, clock: VirtualClock, client_id: str
) -> None:
    with pytest.raises(InvalidInputError, match="client_id"):
        SandboxPlatform(store, clock).open_client(client_id, demo_accounts())


def test_a_client_without_accounts_is_not_opened(
    store: InMemorySandboxStore, clock: VirtualClock
) -> None:
    with pytest.raises(InvalidInputError, match="accounts"):
        SandboxPlatform(store, clock).open_client("acme", {})


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("seed", -1),
        ("seed", 2**63),
        ("noise", -0.1),
        ("noise", float("nan")),
        ("noise", "0.1"),
        ("reporting_delay_s", -1.0),
        ("latency_s", float("inf")),
        ("retention_hours", 25),
        ("reporting_delay_s", 40 * 24 * HOUR_S),
    ],
)
def test_a_sandbox_set_up_outside_the_rules_is_refused(
    store: InMemorySandboxStore, clock: VirtualClock, option: str, value: object
) -> None:
    with pytest.raises(InvalidInputError, match=option):
        SandboxPlatform(store, clock, **{option: value})  # type: ignore[arg-type]
