"""The JSON form of a briefing; field names are a contract (add freely, never rename or drop)."""

from __future__ import annotations

import json
from typing import Any

from ..records import Briefing


def briefing_json(briefing: Briefing) -> dict[str, Any]:
    """The briefing as plain JSON-ready data."""
    return briefing.to_json()


def dumps(data: Any) -> str:
    """Stable, readable JSON text (UTF-8 characters kept as they are)."""
    return json.dumps(data, ensure_ascii=False, indent=2)
