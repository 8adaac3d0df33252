"""Settings and the built application for one command, loaded only when a command runs.

Nothing heavy is imported at module level here or in the command modules, so that
``kiki --help`` starts fast; a command pays for what it uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from kiki.application.services import Services
    from kiki.settings import Settings


def load_settings(**overrides: Any) -> Settings:
    """``Settings()``; a bad value is a ConfigurationError naming the variable, not a trace."""
    from pydantic import ValidationError  # noqa: PLC0415  # see the module docstring

    from kiki.core.errors import ConfigurationError  # noqa: PLC0415
    from kiki.settings import Settings  # noqa: PLC0415

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        variable = f"KIKI_{name.upper()}"
        raise ConfigurationError(f"{variable}: {first.get('msg', 'is invalid')}") from None


def check_storage(settings: Settings) -> None:
    """A database URL that cannot be parsed, or a data folder that cannot be made, is a
    ConfigurationError naming the setting (exit 4), not a trace from deep in the stack."""
    import sqlalchemy as sa  # noqa: PLC0415  # see the module docstring

    from kiki.core.errors import ConfigurationError  # noqa: PLC0415

    variable = "KIKI_DATABASE_URL" if settings.database_url else "KIKI_DATA_DIR"
    url = settings.resolved_database_url()
    try:
        parsed = sa.make_url(url)
        parsed.get_dialect()
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError):
        raise ConfigurationError(
            f"{variable}: not a database URL (e.g. postgresql://host/db or sqlite:///path)"
        ) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"{variable}: cannot create the folder {folder} ({exc.strerror or exc})"
            ) from None


@contextmanager
def services_from_env(*, quiet: bool = False, **overrides: Any) -> Iterator[Services]:
    from kiki.bootstrap import build  # noqa: PLC0415

    settings = load_settings(**overrides)
    check_storage(settings)
    services = build(settings, quiet=quiet)
    try:
        yield services
    finally:
        services.close()


def make_console(*, stderr: bool = False) -> Console:
    """A console for a command's output: lines are never wrapped mid-phrase, and when the
    output is piped (no terminal, no COLUMNS) tables are not squeezed to 80 columns."""
    import os  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from rich.console import Console  # noqa: PLC0415  # see the module docstring

    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty() and not os.environ.get("COLUMNS")
    return Console(stderr=stderr, soft_wrap=True, highlight=False, width=1000 if piped else None)


def echo_json(body: object) -> None:
    import typer  # noqa: PLC0415

    typer.echo(json.dumps(body, indent=2))
