"""A real Prometheus server (Debian's ``prometheus`` package) as a process on a loopback port.

``running_prometheus`` writes a scrape config for one target, starts the server on a free port
with its TSDB in a temporary directory, waits (bounded) until it answers, and always stops it:
SIGTERM, a bounded wait, then SIGKILL; the directory goes with it.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

PROMETHEUS = "/usr/bin/prometheus"
JOB = "kiki"

_CONFIG = """\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: {job}
    metrics_path: /metrics
    static_configs:
      - targets: ["{target}"]
"""


def prometheus_binary() -> str | None:
    """The installed server: /usr/bin/prometheus, else one on PATH, else None."""
    if Path(PROMETHEUS).is_file():
        return PROMETHEUS
    return shutil.which("prometheus")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WaitError(AssertionError):
    """A bounded wait ran out; the message says what was awaited and what was last seen."""


@dataclass
class RunningPrometheus:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def api(self, path: str, **params: str) -> dict[str, Any]:
        """GET /api/v1/<path>; the decoded JSON body, whatever its status."""
        with httpx.Client(base_url=self.url, timeout=30) as http:
            body: dict[str, Any] = http.get(f"/api/v1/{path}", params=params).json()
        return body

    def query(self, expr: str) -> dict[str, Any]:
        """An instant query at the server's now; its answer (status, data or errorType/error)."""
        return self.api("query", query=expr)

    def values(self, expr: str) -> list[float]:
        """The sample values of a successful vector query (empty if it has no series)."""
        answer = self.query(expr)
        assert answer["status"] == "success", f"{expr}: {answer}"
        return [float(sample["value"][1]) for sample in answer["data"]["result"]]

    def wait_until(self, what: str, check: Callable[[], object], timeout_s: float = 60) -> None:
        """Poll ``check`` every 0.25 s until it returns something true, for at most timeout_s."""
        deadline = time.monotonic() + timeout_s
        last: object = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise WaitError(f"prometheus exited ({self.process.returncode}): {self.tail()}")
            try:
                last = check()
            except (httpx.HTTPError, ValueError, AssertionError) as exc:
                last = exc
            else:
                if last:
                    return
            time.sleep(0.25)
        raise WaitError(f"waited {timeout_s:.0f} s for {what}; last seen {last!r}")

    def wait_for_values(self, expr: str, expected: list[float], timeout_s: float = 60) -> None:
        """Wait until ``expr`` answers exactly ``expected`` (a scrape has seen the change)."""
        seen: list[list[float]] = []

        def check() -> bool:
            seen.append(self.values(expr))
            return seen[-1] == expected

        try:
            self.wait_until(f"{expr} == {expected}", check, timeout_s)
        except WaitError as exc:
            raise WaitError(f"{exc}; it last answered {seen[-1:]}") from None

    def target_health(self) -> str:
        """The scrape health of the job's target: "up", "down", "unknown" or "absent"."""
        targets = self.api("targets", state="active")["data"]["activeTargets"]
        mine = [t for t in targets if t["labels"].get("job") == JOB]
        return str(mine[0]["health"]) if mine else "absent"

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def running_prometheus(binary: str, target: str) -> Iterator[RunningPrometheus]:
    """Prometheus scraping ``target`` (host:port, /metrics) every second, ready to query."""
    with tempfile.TemporaryDirectory(prefix="kiki-prometheus-") as tmp:
        root = Path(tmp)
        config = root / "prometheus.yml"
        config.write_text(_CONFIG.format(job=JOB, target=target))
        port = free_port()
        log = root / "prometheus.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603  # the installed server, our own arguments
                [
                    binary,
                    f"--config.file={config}",
                    f"--storage.tsdb.path={root / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=warn",
                ],
                cwd=root,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = RunningPrometheus(process, url=f"http://127.0.0.1:{port}", log=log)
        try:
            server.wait_until(
                "Prometheus to answer /-/ready",
                lambda: httpx.get(f"{server.url}/-/ready", timeout=5).status_code == 200,
            )
            yield server
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
