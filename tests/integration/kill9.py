"""The ``kill -9`` harness: a real ``kiki serve`` on PostgreSQL (and Redis) whose cycles shift
money for many sandbox clients, killed with SIGKILL at random moments and started again.

Each round starts ``kiki serve`` and kills it after a random delay: sometimes while it starts
(the start-up reconciliation included), mostly while its scheduler runs cycles every few tenths
of a second and a thread sends cycles over HTTP with an Idempotency-Key. The sandbox keeps
every change it was told, like a real platform. After the last kill the service is started
once more (it reconciles at start), stopped with SIGTERM, and ``kiki ledger reconcile`` runs;
then for every client:

- the sandbox's budgets equal the opening budgets plus the posted shifts, to the micro;
- no shift is left pending, and ``kiki ledger list --json`` says APPLIED, VOIDED or ROLLED_BACK;
- no client is STUCK (the sandbox never fails, so every kill point is explainable);
- every Idempotency-Key whose request a kill cut off answers again once its lease expired;
- ``kiki audit verify`` passes.

Run by tests/integration/test_kill9.py, or by hand (it prints its counts):

    python -m tests.integration.kill9 --kills 50 --clients 20 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import numpy as np
import sqlalchemy as sa

from kiki.adapters.sql.engine import make_engine
from kiki.bootstrap import build
from kiki.core.clock import SystemClock, VirtualClock
from kiki.core.platform import Platform
from kiki.settings import Settings
from kiki.syncledger.ledger import ShiftStatus, summarize_shifts, unresolved
from tests.conftest import POSTGRES_URL, REDIS_URL

_READY = re.compile(r"kiki serve: http://([\d.]+):(\d+) grpc")
_ROOT = Path(__file__).resolve().parents[2]
TENANT = "kill9"
IDEMPOTENCY_LEASE_S = 1.0
# Cycles often, leases short (a killed holder's lease frees quickly), shifts uncapped by time:
# a 1 s window and no cooldown let every cycle of a client move money again.
SERVE_SETTINGS = {
    "KIKI_CHECK_INTERVAL_S": "0.3",
    "KIKI_SHIFT_COOLDOWN_S": "0",
    "KIKI_SHIFT_WINDOW_S": "1",
    "KIKI_CAC_WINDOW_S": "600",
    "KIKI_CYCLE_LOCK_TTL_S": "5",
    "KIKI_LEASE_GRACE_S": "0.5",
    "KIKI_CYCLE_CONCURRENCY": "4",
    "KIKI_IDEMPOTENCY_LEASE_S": str(IDEMPOTENCY_LEASE_S),
    "KIKI_GUARDIAN_INTERVAL_S": "3600",
    "KIKI_SHUTDOWN_GRACE_S": "10",
}


@dataclass
class Counts:
    clients: int = 0
    kills: int = 0
    kills_while_starting: int = 0
    shifts: int = 0  # posted (APPLIED)
    voided: int = 0  # VOIDED or ROLLED_BACK
    pending: int = 0
    stuck: int = 0
    keys_cut_off: int = 0
    keys_stuck: int = 0
    mismatches: int = 0
    audit_ok: bool = False
    statuses: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.pending == self.stuck == self.keys_stuck == self.mismatches == 0
            and self.audit_ok
            and not self.problems
        )

    def line(self) -> str:
        shown = {k: v for k, v in asdict(self).items() if k not in ("problems", "statuses")}
        return " ".join(f"{k}={v}" for k, v in shown.items())


@contextmanager
def fresh_schemas(*names: str) -> Iterator[dict[str, str]]:
    """A URL per name, each on a fresh schema of the test PostgreSQL, dropped afterwards."""
    admin = make_engine(POSTGRES_URL)
    made = {name: f"k9_{name}_{secrets.token_hex(4)}" for name in names}
    try:
        with admin.begin() as conn:
            for schema in made.values():
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        base = sa.make_url(POSTGRES_URL)
        yield {
            name: base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                hide_password=False
            )
            for name, schema in made.items()
        }
    finally:
        with admin.begin() as conn:
            for schema in made.values():
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def environment(data_dir: Path, urls: dict[str, str], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIKI_")}
    env.update(
        {
            "KIKI_DATA_DIR": str(data_dir),
            "KIKI_DATABASE_URL": urls["kiki"],
            "KIKI_SANDBOX_URL": urls["sandbox"],
            "KIKI_REDIS_URL": REDIS_URL,
            "PYTHONPATH": str(_ROOT / "src"),
            **SERVE_SETTINGS,
            **extra,
        }
    )
    return env


def settings_from(env: dict[str, str]) -> Settings:
    """The same settings in this process (Settings reads KIKI_* from the environment only)."""
    return Settings(
        data_dir=Path(env["KIKI_DATA_DIR"]),
        database_url=env["KIKI_DATABASE_URL"],
        sandbox_url=env["KIKI_SANDBOX_URL"],
    )


def open_clients(
    env: dict[str, str], count: int, shocks: dict[Platform, float] | None = None
) -> tuple[str, list[str]]:
    """A tenant and ``count`` sandbox clients whose accounts opened six hours ago (so the
    market has history to measure) with Meta's CPM up 40 % (or the CPM factors given): every
    cycle moves money off Meta."""
    services = build(
        settings_from(env),
        clock=VirtualClock(SystemClock().now() - timedelta(hours=6)),
        quiet=True,
    )
    try:
        key = services.create_tenant(TENANT).secret
        clients = [f"k9-{i:03d}" for i in range(count)]
        for client_id in clients:
            services.attach_client(client_id, tenant_id=TENANT, sandbox=True)
            for platform, factor in (shocks or {Platform.META: 1.4}).items():
                services.sandbox().shock(client_id, platform, cpm_factor=factor)
    finally:
        services.close()
    return key, clients


def sandbox_budgets(env: dict[str, str], clients: list[str]) -> dict[str, dict[str, int]]:
    services = build(settings_from(env), quiet=True)
    try:
        out: dict[str, dict[str, int]] = {}
        for client_id in clients:
            view = services.sandbox().show(client_id, window_s=3600.0)
            out[client_id] = {a.platform.value: a.daily_budget.micros for a in view.accounts}
        return out
    finally:
        services.close()


class Serve:
    """One ``kiki serve`` process; ``ready`` is set once it listens (its HTTP URL known)."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(  # our own CLI
            [sys.executable, "-m", "kiki", "serve", "--http-port", "0", "--grpc-port", "0"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.ready = threading.Event()
        self.http_url = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            match = _READY.search(line)
            if match and not self.ready.is_set():
                self.http_url = f"http://{match[1]}:{match[2]}"
                self.ready.set()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._close()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self._close()
        return code

    def _close(self) -> None:
        self._reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


class KeyedRequests:
    """Cycles over HTTP, each with its own Idempotency-Key, until told to stop; remembers the
    keys whose request got no answer (cut off by a kill)."""

    def __init__(
        self, serve: Serve, api_key: str, clients: list[str], rng: np.random.Generator
    ) -> None:
        self.serve, self.api_key, self.clients = serve, api_key, clients
        self.rng = np.random.default_rng(int(rng.integers(2**32)))
        self.cut_off: list[tuple[str, str]] = []  # (client, key)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.serve.ready.wait(0.05):
            if self.stop.is_set():
                return  # killed while it started
        headers = {"Authorization": f"Bearer {self.api_key}"}
        with httpx.Client(base_url=self.serve.http_url, timeout=30, headers=headers) as http:
            while not self.stop.is_set():
                client_id = self.clients[int(self.rng.integers(len(self.clients)))]
                key = f"k9-{secrets.token_hex(6)}"
                try:
                    http.post(
                        f"/v1/clients/{client_id}/cycles",
                        json={},
                        headers={"Idempotency-Key": key},
                    )
                except httpx.HTTPError:
                    self.cut_off.append((client_id, key))
                    return


def kiki_cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # our own CLI, arguments from the harness
        [sys.executable, "-m", "kiki", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run(workdir: Path, *, kills: int = 50, clients: int = 20, seed: int = 1) -> Counts:
    """The whole harness on fresh schemas; returns its counts (``ok`` says whether it held)."""
    rng = np.random.default_rng(seed)
    counts = Counts(clients=clients)
    with fresh_schemas("kiki", "sandbox") as urls:
        env = environment(workdir / "data", urls)
        api_key, client_ids = open_clients(env, clients)
        opening = sandbox_budgets(env, client_ids)
        cut_off: list[tuple[str, str]] = []
        for _ in range(kills):
            serve = Serve(env, workdir)
            requests = KeyedRequests(serve, api_key, client_ids, rng)
            if rng.random() < 0.2:  # while it starts: migrations, the start-up reconciliation
                time.sleep(rng.uniform(0.2, 2.0))
                counts.kills_while_starting += not serve.ready.is_set()
            else:
                if not serve.ready.wait(120):
                    counts.problems.append("kiki serve did not start within 120 s")
                    serve.kill()
                    break
                time.sleep(rng.uniform(0.0, 1.2))
            serve.kill()
            counts.kills += 1
            requests.stop.set()
            requests.thread.join(30)
            cut_off.extend(requests.cut_off)
        counts.keys_cut_off = len(cut_off)
        _last_run(env, workdir, api_key, cut_off, counts)
        reconciled = kiki_cli(env, workdir, "ledger", "reconcile", "--json")
        if reconciled.returncode != 0:
            counts.problems.append(f"kiki ledger reconcile exited {reconciled.returncode}")
        _check(env, workdir, client_ids, opening, counts)
    return counts


def _last_run(
    env: dict[str, str],
    workdir: Path,
    api_key: str,
    cut_off: list[tuple[str, str]],
    counts: Counts,
) -> None:
    """Start once more (it reconciles at start), retry every cut-off key once its lease is
    over (a stuck key answers 409 for ever), and stop with SIGTERM."""
    serve = Serve(env, workdir)
    if not serve.ready.wait(120):
        serve.kill()
        counts.problems.append("kiki serve did not start for the last run")
        return
    time.sleep(IDEMPOTENCY_LEASE_S)
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=serve.http_url, timeout=60, headers=headers) as http:
        for client_id, key in cut_off:
            answer = http.post(
                f"/v1/clients/{client_id}/cycles", json={}, headers={"Idempotency-Key": key}
            )
            if answer.status_code != 200:
                counts.keys_stuck += 1
                counts.problems.append(f"key {key}: {answer.status_code} {answer.text[:200]}")
    if serve.stop() != 0:
        counts.problems.append("kiki serve did not stop cleanly on SIGTERM")


def _check(
    env: dict[str, str],
    workdir: Path,
    clients: list[str],
    opening: dict[str, dict[str, int]],
    counts: Counts,
) -> None:
    listed = kiki_cli(env, workdir, "ledger", "list", "--json")
    shifts = json.loads(listed.stdout) if listed.returncode == 0 else []
    if listed.returncode != 0:
        counts.problems.append(f"kiki ledger list exited {listed.returncode}: {listed.stderr}")
    statuses = Counter(s["status"] for s in shifts)
    counts.statuses = dict(statuses)
    counts.shifts = statuses[ShiftStatus.APPLIED.value]
    counts.voided = statuses[ShiftStatus.VOIDED.value] + statuses[ShiftStatus.ROLLED_BACK.value]
    counts.pending = statuses[ShiftStatus.PENDING.value] + statuses[ShiftStatus.IN_TRANSIT.value]
    expected: dict[str, dict[str, int]] = {c: dict(b) for c, b in opening.items()}
    for s in shifts:
        if s["status"] == ShiftStatus.APPLIED.value:
            expected[s["client_id"]][s["from"]] -= s["amount_micros"]
            expected[s["client_id"]][s["to"]] += s["amount_micros"]
    now = sandbox_budgets(env, clients)
    for client_id in clients:
        if now[client_id] != expected[client_id]:
            counts.mismatches += 1
            counts.problems.append(
                f"{client_id}: sandbox {now[client_id]} != opening + posted {expected[client_id]}"
            )
    services = build(settings_from(env), quiet=True)
    try:
        transfers = services.ports.ledger.transfers()
        counts.pending = max(counts.pending, len(unresolved(transfers)))
        per_shift: dict[str, int] = defaultdict(int)
        for record in summarize_shifts(transfers):
            per_shift[record.shift_id] += 1
        twice = [shift for shift, n in per_shift.items() if n > 1]
        counts.mismatches += len(twice)
        counts.stuck = sum(s.state.value == "STUCK" for s in services.client_states())
    finally:
        services.close()
    verify = kiki_cli(env, workdir, "audit", "verify", "--json")
    counts.audit_ok = verify.returncode == 0 and json.loads(verify.stdout).get("ok") is True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kill9-") as tmp:
        counts = run(Path(tmp), kills=args.kills, clients=args.clients, seed=args.seed)
    print(f"kill9: {counts.line()} seconds={time.monotonic() - started:.0f}")  # noqa: T201
    print(f"kill9: statuses {counts.statuses}")  # noqa: T201
    for problem in counts.problems:
        print(f"kill9: problem: {problem}")  # noqa: T201
    return 0 if counts.ok else 1


if __name__ == "__main__":
    sys.exit(main())
