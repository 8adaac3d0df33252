"""The HTTP entrypoint (FastAPI)."""

from kiki.api.http.app import create_app

__all__ = ["create_app"]
