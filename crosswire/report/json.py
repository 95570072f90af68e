"""The JSON form of a briefing; field names are a contract (add freely, never rename or drop)."""

from __future__ import annotations

import json
from typing import Any

from ..records import Briefing
from .names import storyline_name_variants


def briefing_json(briefing: Briefing) -> dict[str, Any]:
    """The briefing as plain JSON-ready data.

    Each storyline also lists `name_variants`: entities its stories spell differently.
    """
    data = briefing.to_json()
    stories = {s.id: s for s in briefing.stories}
    for line in data["storylines"]:
        members = [stories[s] for s in line["stories"] if s in stories]
        line["name_variants"] = [v.to_json() for v in storyline_name_variants(members)]
    return data


def dumps(data: Any) -> str:
    """Stable, readable JSON text (UTF-8 characters kept as they are)."""
    return json.dumps(data, ensure_ascii=False, indent=2)
