"""``kiki serve`` as a real process on free ports, with a fresh data directory and two tenants."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

_READY = re.compile(r"kiki serve: http://([\d.]+):(\d+) grpc ([\d.]+):(\d+)")


@dataclass
class RunningService:
    process: subprocess.Popen[str]
    http_url: str
    grpc_target: str
    keys: dict[str, str]
    stderr_lines: list[str] = field(default_factory=list)

    def stop(self, timeout_s: float = 60) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout_s)


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIKI_")}
    env.update({"KIKI_DATA_DIR": str(data_dir), "COLUMNS": "200", **extra})
    return env


def kiki(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603  # our own CLI, arguments from the test
        [sys.executable, "-m", "kiki", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@contextmanager
def running_service(
    tmp_path: Path, clients: dict[str, list[str]], **settings: str
) -> Iterator[RunningService]:
    """Tenants (name -> client ids, each with sandbox accounts), then ``kiki serve``."""
    env = environment(tmp_path / "data", **settings)
    keys: dict[str, str] = {}
    for tenant, client_ids in clients.items():
        keys[tenant] = json.loads(kiki(env, tmp_path, "tenants", "create", tenant, "--json"))[
            "api_key"
        ]
        for client_id in client_ids:
            kiki(env, tmp_path, "tenants", "add-client", tenant, client_id, "--sandbox")
    process = subprocess.Popen(
        [sys.executable, "-m", "kiki", "serve", "--http-port", "0", "--grpc-port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    stderr_lines: list[str] = []
    drain = threading.Thread(target=lambda: stderr_lines.extend(process.stderr or ()), daemon=True)
    drain.start()
    line = process.stdout.readline()  # the process prints it once it listens, or dies
    match = _READY.search(line)
    if match is None:
        process.kill()
        process.wait()
        drain.join(5)
        raise AssertionError(f"kiki serve did not start: {line!r} {''.join(stderr_lines)}")
    service = RunningService(
        process,
        http_url=f"http://{match[1]}:{match[2]}",
        grpc_target=f"{match[3]}:{match[4]}",
        keys=keys,
        stderr_lines=stderr_lines,
    )
    try:
        yield service
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        drain.join(5)
        process.stdout.close()
        process.stderr.close()
