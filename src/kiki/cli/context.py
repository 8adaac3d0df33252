"""Building the app for a command from the environment, and closing it afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kiki.bootstrap import App, build
from kiki.settings import Settings


@contextmanager
def app_from_env(*, quiet: bool = False) -> Iterator[App]:
    app = build(Settings(), quiet=quiet)
    try:
        yield app
    finally:
        app.close()
