"""Names that the stories of one storyline spell differently ("Juan Guiado" in one, "Juan Guaido" in another).

Each story merges the spellings of its own articles (`compare.entities`); a storyline's stories are
analysed apart, so a variant that only ever meets the other spelling in another story is listed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..compare.entities import same_name
from ..records import Story


@dataclass(frozen=True, slots=True)
class NameVariant:
    """One entity spelled differently across stories: the most used spelling first."""

    name: str
    type: str
    spellings: tuple[str, ...]
    stories: tuple[str, ...]

    def to_json(self) -> dict:
        return {"name": self.name, "type": self.type, "spellings": list(self.spellings), "stories": list(self.stories)}


def storyline_name_variants(stories: Sequence[Story]) -> list[NameVariant]:
    """Entities whose full-name spellings differ between stories and that no single story joins."""
    groups: list[dict] = []  # {"type", "spellings": {spelling: article count}, "stories": [story ids]}
    for story in stories:
        for entity in story.entities:
            names = [a for a in entity.aliases if len(a.split()) >= 2]
            if not names:
                continue
            home = next(
                (g for g in groups if g["type"] == entity.type and any(same_name(n, s) for n in names for s in g["spellings"])),
                None,
            )
            if home is None:
                home = {"type": entity.type, "spellings": {}, "stories": []}
                groups.append(home)
            for n in names:
                home["spellings"][n] = home["spellings"].get(n, 0) + len(entity.articles)
            if story.id not in home["stories"]:
                home["stories"].append(story.id)
    out = []
    for g in groups:
        # the most used spelling first; a tie is broken by the spelling itself, so the name given does
        # not depend on which story is listed first (dating a story can reorder its storyline)
        spellings = sorted(g["spellings"], key=lambda s: (-g["spellings"][s], s))
        # one spelling per variant: "Sergei Lavrov" and "SERGEI LAVROV" are not two spellings
        seen, variants = set(), []
        for s in spellings:
            if s.lower() not in seen:
                seen.add(s.lower())
                variants.append(s)
        if len(g["stories"]) < 2 or len(variants) < 2 or _joined_within_a_story(variants, stories, g["type"]):
            continue
        out.append(NameVariant(variants[0], g["type"], tuple(variants), tuple(g["stories"])))
    return out


def _joined_within_a_story(variants: list[str], stories: Sequence[Story], type_: str) -> bool:
    """True when one story's entity already holds every spelling (its own Names line says so)."""
    wanted = {v.lower() for v in variants}
    return any(
        wanted <= {a.lower() for a in e.aliases} for s in stories for e in s.entities if e.type == type_
    )
