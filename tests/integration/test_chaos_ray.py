"""The chaos suite fanned out over a local Ray with 2 CPUs gives the results a local run gives.

Starts Ray once for the module (about 10 s of the minute this takes); ``-m 'not ray'`` skips it
in quick runs. Needs ``kiki[ray]`` (``.ci/run`` installs it); under CI=true it must run.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from decimal import Decimal

import pytest

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.ports import AccountSpec
from kiki.testing import Harness
from tests.conftest import IN_CI

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    if importlib.util.find_spec("ray") is None:
        message = "Ray is not installed (pip install -e '.[dev,ray]')"
        if IN_CI:
            pytest.fail(message + "; under CI=true that is a failure", pytrace=False)
        pytest.skip(message)
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def harness(**settings: object) -> Harness:
    h = Harness.build("unused", database_url="sqlite://", **settings)
    for n in range(4):
        h.open_client(f"demo-{n}")
    spec = AccountSpec(
        Money.parse(Decimal("100")), Money.parse(Decimal("5")), 0.01, 0.1, Money(12_000_000)
    )
    h.sandbox.open_client("seed-shop", {Platform.META: spec})
    h.services.campaigns("seed-shop")
    h.clock.advance(14 * 86_400)
    for client in ("demo-0", "demo-1", "seed-shop"):
        h.services.change_guardian_thresholds(client, {"gross_margin": 0.4})
    return h


def test_clients_fanned_out_over_ray_give_the_same_results_as_locally(local_ray: None) -> None:
    local = harness().services.run_chaos()
    spread = harness(ray_address="local").services.run_chaos()
    assert len(local.results) == 4 + 4 * (6 * 4 + 1)
    assert spread.results == local.results
    assert spread.passed == len(spread.results)
