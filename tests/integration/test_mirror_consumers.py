"""Scale-out: two consumers of one group on the Redis stream; one is killed (SIGKILL) in the
middle of the stream, and every campaign still gets its one right decision; the CLI."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from kiki.application.services import Services
from kiki.bootstrap import build
from kiki.campaigns.projection import Projection
from kiki.settings import Settings
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.mirror import EventBatch, MirrorAction, MirrorEvent
from kiki.testing import run_cli

pytestmark = pytest.mark.redis

DAY = 86_400.0
CLIENT = "acme"
CAMPAIGNS = 12
EVENTS = 30  # per campaign; the shortfall starts at event 10


@pytest.fixture
def world(tmp_path: Path, redis_url: str) -> Iterator[dict[str, str]]:
    prefix = f"test:{secrets.token_hex(4)}:"
    env = {
        "KIKI_DATA_DIR": str(tmp_path / "data"),
        "KIKI_DATABASE_URL": f"sqlite:///{tmp_path}/kiki.sqlite3",
        "KIKI_SANDBOX_URL": f"sqlite:///{tmp_path}/sandbox.sqlite3",
        "KIKI_REDIS_URL": redis_url,
        "KIKI_REDIS_KEY_PREFIX": prefix,
        "KIKI_MIRROR_WARMUP_S": str(DAY),
        "KIKI_MIRROR_MIN_SPEND": "0",
        "KIKI_MIRROR_MIN_CONVERSIONS": "0",
        "KIKI_MIRROR_PARTITIONS": "3",
        "KIKI_MIRROR_CLAIM_IDLE_S": "0.05",
    }
    yield env
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def services(env: dict[str, str]) -> Services:
    settings = Settings(**{k.removeprefix("KIKI_").lower(): v for k, v in env.items()})  # type: ignore[arg-type]
    return build(settings, quiet=True)


def launch_all(kiki: Services) -> dict[str, Projection]:
    kiki.attach_client(CLIENT, tenant_id=None, sandbox=True)
    kiki.record_baseline(
        CLIENT,
        Baseline.from_dict(
            {"avg_order_value": "85", "monthly_revenue": "60000", "monthly_ad_spend": "20000"}
        ),
    )
    strategy = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"}
    launched = {}
    for i in range(CAMPAIGNS):
        outcome = kiki.launch(CLIENT, Strategy.from_dict({**strategy, "name": f"c{i}"}))
        assert outcome.campaign_id is not None
        assert outcome.mirrored is not None
        launched[outcome.campaign_id] = outcome.mirrored
    return launched


def stream_of(launched: dict[str, Projection]) -> tuple[list[EventBatch], set[str]]:
    """Every campaign's events, interleaved, one small batch per step; odd campaigns fall 20 %
    short of their projection from the 10th event on, the others stay within 3 %."""
    short = {cid for i, cid in enumerate(sorted(launched)) if i % 2}
    batches = []
    for k in range(1, EVENTS + 1):
        day = 1 + k / 10
        events = []
        for cid, p in launched.items():
            ratio = 0.8 if cid in short and k >= 10 else (0.97 if k % 2 else 1.03)
            share = day / p.days
            at = p.started_at.timestamp() + day * DAY
            events.append(
                MirrorEvent(
                    cid,
                    k,
                    round(p.spend_micros * share),
                    p.conversions * share,
                    round(p.revenue_micros * share * ratio),
                    at,
                )
            )
        batches.append(EventBatch.of(events))
    return batches, short


def test_a_consumer_killed_mid_stream_leaves_every_campaign_its_one_decision(
    tmp_path: Path, world: dict[str, str], redis_url: str
) -> None:
    kiki = services(world)
    launched = launch_all(kiki)
    batches, short = stream_of(launched)
    stream = kiki.ports.mirror_stream
    assert stream is not None
    for batch in batches:
        stream.publish(batch)
    # consumer A takes entries and dies before acknowledging: started as its own process, it
    # is killed (SIGKILL) as soon as it reports its first delivery
    held = stream.take(group="g", consumer="A", count=4, block_s=0.1)  # A's, never acknowledged
    assert held is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIKI_")} | world
    command = [sys.executable, "-m", "kiki", "mirror", "consume", "--group", "g"]
    with subprocess.Popen(  # noqa: S603  # our own CLI
        [*command, "--consumer", "A", "--count", "2"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as a:
        assert a.stdout is not None
        first = a.stdout.readline()
        a.send_signal(signal.SIGKILL)
        a.wait(timeout=60)
    assert "event(s)" in first
    assert stream.pending("g") > 0  # what A held when it died

    # consumer B, in this process, takes the rest and claims A's pending entries
    tally: dict[str, int] = {}
    while (done := kiki.consume_mirror(group="g", consumer="B", count=3, block_s=0.2)) is not None:
        for name, n in done.actions.items():
            tally[name] = tally.get(name, 0) + n
    assert stream.pending("g") == 0

    verdicts = kiki.mirror_verdicts(CLIENT)
    assert sorted(v.campaign_id for v in verdicts) == sorted(short)
    assert all(v.action is MirrorAction.ROLLED_BACK and v.settled_at for v in verdicts)
    audit = kiki.ports.audit.entries(event_type="AUTO_ROLLBACK_TRIGGERED")
    assert sorted(e.event.campaign_id or "" for e in audit) == sorted(short)
    paused = kiki.ports.audit.entries(event_type="CAMPAIGN_PAUSED")
    assert sorted(e.event.campaign_id or "" for e in paused) == sorted(short)
    for cid in launched:
        state = kiki.ports.mirror_state.state(cid)
        assert state is not None
        assert state.sequence == EVENTS  # the last event of each campaign was taken
    kiki.close()


def test_the_cli_publishes_consumes_and_lists_verdicts(
    tmp_path: Path, world: dict[str, str]
) -> None:
    kiki = services(world)
    launch_all(kiki)
    kiki.close()
    published = run_cli(tmp_path, "mirror", "publish", "--stream", "--json", env=world)
    assert published.returncode == 0, published.stderr
    body = json.loads(published.stdout)
    assert body["events"] >= CAMPAIGNS  # every live campaign (and the sandbox's own)
    consumed = run_cli(
        tmp_path,
        "mirror",
        "consume",
        "--group",
        "cli",
        "--consumer",
        "one",
        "--until-idle",
        "--block",
        "0.2",
        "--json",
        env=world,
    )
    assert consumed.returncode == 0, consumed.stderr
    assert json.loads(consumed.stdout)["events"] == body["events"]
    assert json.loads(consumed.stdout)["actions"].get("WARMING_UP", 0) >= CAMPAIGNS
    listed = run_cli(tmp_path, "mirror", "verdicts", "--json", env=world)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    no_redis = {k: v for k, v in world.items() if k != "KIKI_REDIS_URL"}
    refused = run_cli(tmp_path, "mirror", "publish", "--stream", env=no_redis)
    assert refused.returncode != 0
    assert "KIKI_REDIS_URL" in refused.stderr + refused.stdout
