"""The web page and HTTP API over a crosswire store: `create_app(db_path, settings)` -> FastAPI app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["create_app"]


def create_app(db_path: str | Path, settings: Settings | None = None) -> Any:
    """The FastAPI app serving the pages and the JSON API over the store at `db_path`."""
    from .app import create_app as _create

    return _create(db_path, settings)
