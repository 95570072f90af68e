"""Turn cluster labels into Story and Storyline records with stable, deterministic ids."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Story, Storyline
from .batch import Profile


@dataclass(frozen=True, slots=True)
class Grouping:
    """Stories (one event each) and storylines (stories of one matter, in date order)."""

    stories: tuple[Story, ...]
    storylines: tuple[Storyline, ...]

    def story_of(self) -> dict[str, str]:
        """Article id -> story id."""
        return {a: s.id for s in self.stories for a in s.articles}


def order_key(p: Profile) -> tuple[str, str]:
    """Publication order, undated last, ties by id: the order a stream would have seen them."""
    return (p.published or "9999", p.id)


def story_id(founder: str) -> str:
    """Story id derived from the id of the article that opened it (stable as articles are added)."""
    return "story-" + hashlib.sha1(founder.encode("utf-8")).hexdigest()[:12]


def storyline_id(founder: str) -> str:
    """Storyline id derived from the id of the article that opened it."""
    return "line-" + hashlib.sha1(founder.encode("utf-8")).hexdigest()[:12]


def make_story(sid: str, line: str | None, members: Sequence[Profile]) -> Story:
    """A Story record: title from the founding article, date and place by majority of the leads."""
    members = sorted(members, key=order_key)
    dates = Counter(p.clues.date.isoformat() for p in members if p.clues.date is not None)
    places = Counter(p.clues.places[0] for p in members if p.clues.places)
    date = _majority(dates)
    place = _majority(places)
    # A reader scans headlines: the earliest member's own title when any member has one, else the
    # earliest lead sentence standing in for it.
    headlines = [p.zones.headline.strip() for p in members if p.zones.headline.strip()]
    titled = [p.zones.headline.strip() for p in members if p.zones.titled and p.zones.headline.strip()]
    title = (titled or headlines or [members[0].id])[0]
    return Story(sid, title, tuple(p.id for p in members), date=date, place=place, storyline=line)


def _majority(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    # Most frequent; ties go to the earliest / alphabetically first, so the result is deterministic.
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def make_storyline(lid: str, stories: Sequence[Story]) -> Storyline:
    """A Storyline record: its stories in date order, titled after its largest story."""
    ordered = sorted(stories, key=lambda s: (s.date or "9999", s.id))
    biggest = sorted(stories, key=lambda s: (-len(s.articles), s.date or "9999", s.id))[0]
    return Storyline(lid, biggest.title, tuple(s.id for s in ordered))


def build(profiles: Sequence[Profile], story_founder: dict[str, str], line_founder: dict[str, str]) -> Grouping:
    """Records from article -> story founder and story founder -> storyline founder maps."""
    by_story: dict[str, list[Profile]] = {}
    for p in profiles:
        by_story.setdefault(story_founder[p.id], []).append(p)
    stories = []
    for founder, members in by_story.items():
        line = storyline_id(line_founder[founder])
        stories.append(make_story(story_id(founder), line, members))
    stories.sort(key=lambda s: (-len(s.articles), s.date or "9999", s.id))
    lines: dict[str, list[Story]] = {}
    for s in stories:
        lines.setdefault(s.storyline, []).append(s)
    storylines = [make_storyline(lid, members) for lid, members in lines.items()]
    return Grouping(tuple(stories), tuple(storylines))
