"""Group cleaned articles into stories (one event each) and storylines (one matter over time).

`group_articles` clusters a batch; `StreamGrouper` assigns new articles to what it already holds and
can be saved to / restored from bytes between ingest runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..records import Article
from ..settings import Settings
from .assemble import Grouping, build, order_key
from .batch import blocks, profile, split_block, storylines
from .space import TermSpace
from .stream import StreamGrouper

__all__ = ["Grouping", "StreamGrouper", "group_articles"]


def group_articles(articles: Sequence[Article], settings: Settings | None = None) -> Grouping:
    """Stories and storylines for a batch of cleaned articles (deterministic ids and order)."""
    if not articles:
        return Grouping((), ())
    # Publication order (then id) fixes which article founds each group, hence the ids.
    profiles = sorted((profile(a) for a in _unique(articles)), key=order_key)
    space = TermSpace()
    space.add([p.terms for p in profiles])
    block_of, edges = blocks(profiles, space)
    members_of: dict[int, list[int]] = {}
    for i, label in enumerate(block_of):
        members_of.setdefault(label, []).append(i)
    story_of = [0] * len(profiles)
    for idx in members_of.values():
        for k, sub in enumerate(split_block([profiles[i] for i in idx], space)):
            story_of[idx[k]] = idx[sub]
    # Storylines are formed inside blocks: the storyline cut is stricter than the block cut, so
    # little is lost, and a stream can then redo one block's storylines when that block changes.
    line_of = storylines(story_of, [e for e in edges if block_of[e[0]] == block_of[e[1]]])
    story_founder = {p.id: profiles[story_of[i]].id for i, p in enumerate(profiles)}
    line_founder = {profiles[s].id: profiles[line].id for s, line in line_of.items()}
    return build(profiles, story_founder, line_founder)


def _unique(articles: Sequence[Article]) -> list[Article]:
    seen: set[str] = set()
    out = []
    for a in articles:
        if a.id not in seen:
            seen.add(a.id)
            out.append(a)
    return out
