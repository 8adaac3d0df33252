"""``kiki serve``: HTTP, gRPC and the scheduler in one process, and an orderly SIGTERM.

At start, every pending transfer a crash left behind is reconciled. On SIGTERM (or SIGINT):
health turns NOT_SERVING and /readyz 503, the scheduler takes no new work and waits for the
cycles in flight, gRPC finishes its calls within the grace period, HTTP stops, the app is
closed, and the process exits 0.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

import uvicorn

from kiki.api.grpc.server import build_server
from kiki.api.health import ServiceState
from kiki.api.http import create_app
from kiki.application.services import Services
from kiki.application.tenancy import TenantServices
from kiki.bootstrap import build
from kiki.core.errors import ConfigurationError
from kiki.scheduler import ServiceScheduler
from kiki.settings import Settings

log = logging.getLogger("kiki.serve")
_STARTUP_TIMEOUT_S = 30.0


def run_chaos_suite(services: Services) -> None:
    """The nightly slot's chaos suite; a failure has already alerted and been audited."""
    report = services.run_chaos()
    log.info("chaos suite: %d/%d passed", report.passed, len(report.results))


def serve(settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    services = build(settings, quiet=True)
    # What a crash left pending is resolved before anything else moves money.
    for report in services.reconcile_all():
        for item in report.items:
            log.info("reconciled %s %s: %s", report.client_id, item.shift_id, item.resolution)
    tenancy = TenantServices(services)
    scheduler = ServiceScheduler(services)
    scheduler.register_nightly("chaos", run_chaos_suite)
    state = ServiceState(services, scheduler_running=lambda: scheduler.running)
    grpc_server, grpc_port = build_server(
        tenancy, state, address=f"{settings.host}:{settings.grpc_port}"
    )
    http = uvicorn.Server(
        uvicorn.Config(
            create_app(tenancy, state),
            host=settings.host,
            port=settings.http_port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=int(settings.shutdown_grace_s),
        )
    )
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    grpc_server.start()
    http_thread = threading.Thread(target=http.run, name="http", daemon=True)
    http_thread.start()
    waited = 0.0
    while not http.started:
        if not http_thread.is_alive() or waited > _STARTUP_TIMEOUT_S:
            grpc_server.stop(0)
            services.close()
            raise ConfigurationError(f"HTTP server did not start on port {settings.http_port}")
        stop.wait(0.05)
        waited += 0.05
    http_port = http.servers[0].sockets[0].getsockname()[1]
    scheduler.start()
    sys.stdout.write(
        f"kiki serve: http://{settings.host}:{http_port} grpc {settings.host}:{grpc_port}\n"
    )
    sys.stdout.flush()

    stop.wait()
    state.stop_serving()
    scheduler.stop()
    grpc_server.stop(settings.shutdown_grace_s).wait()
    http.should_exit = True
    http_thread.join(settings.shutdown_grace_s + 5)
    services.close()
    log.info("stopped cleanly")
    return 0
