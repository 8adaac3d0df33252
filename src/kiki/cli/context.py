"""Settings and the built application for one command, loaded only when a command runs.

Nothing heavy is imported at module level here or in the command modules, so that
``kiki --help`` starts fast; a command pays for what it uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


@contextmanager
def services_from_env(*, quiet: bool = False, **overrides: Any) -> Iterator[Services]:
    from kiki.bootstrap import build  # noqa: PLC0415

    services = build(load_settings(**overrides), quiet=quiet)
    try:
        yield services
    finally:
        services.close()


def echo_json(body: object) -> None:
    import typer  # noqa: PLC0415

    typer.echo(json.dumps(body, indent=2))
