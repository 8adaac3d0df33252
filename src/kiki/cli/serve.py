"""``kiki serve``: the HTTP API, the gRPC services and the scheduler in one process."""

from __future__ import annotations

import typer

from kiki.serve import serve as run_service
from kiki.settings import Settings


def serve(
    http_port: int | None = typer.Option(None, "--http-port", help="Default 8000; 0 picks one."),
    grpc_port: int | None = typer.Option(None, "--grpc-port", help="Default 50051; 0 picks one."),
) -> None:
    """Serve until SIGTERM; prints the bound addresses once ready."""
    overrides: dict[str, int] = {}
    if http_port is not None:
        overrides["http_port"] = http_port
    if grpc_port is not None:
        overrides["grpc_port"] = grpc_port
    settings = Settings(**overrides)  # type: ignore[arg-type]
    raise typer.Exit(run_service(settings))
