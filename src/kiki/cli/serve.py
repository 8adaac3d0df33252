"""``kiki serve``: the HTTP API, the gRPC services and the scheduler in one process."""

from __future__ import annotations

import typer


def serve(
    http_port: int | None = typer.Option(None, "--http-port", help="Default 8000; 0 picks one."),
    grpc_port: int | None = typer.Option(None, "--grpc-port", help="Default 50051; 0 picks one."),
) -> None:
    """Serve until SIGTERM; prints the bound addresses once ready.

    Example: kiki serve --http-port 8000 --grpc-port 50051
    """
    from kiki.cli.context import check_storage, load_settings  # noqa: PLC0415  # fast --help
    from kiki.serve import serve as run_service  # noqa: PLC0415

    overrides: dict[str, int] = {}
    if http_port is not None:
        overrides["http_port"] = http_port
    if grpc_port is not None:
        overrides["grpc_port"] = grpc_port
    settings = load_settings(**overrides)
    check_storage(settings)
    raise typer.Exit(run_service(settings))
