"""Typed records that flow one way through the pipeline: Article -> Sentence -> Story -> Briefing.

Everything derived from an article (sentences, citations, quotes, claims) is a span: an article id
plus `[start, end)` character offsets into that article's *cleaned* text, so any of it can be checked
by slicing `article.text[start:end]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not become an article, and why."""

    input: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"input": self.input, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Article:
    """One news article. `text` is the cleaned body once the cleaner has run."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as precise as the input gave it
    url: str | None = None
    origin: str = ""  # where it came from: a path, or path:line for JSONL
    language: str | None = None
    removed: tuple[str, ...] = ()  # page furniture the cleaner took out, for the report

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "published": self.published,
            "url": self.url,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence as a span of its article's cleaned text."""

    article: str
    index: int  # position within the article, 0-based
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer to the sentence (or span) of an article that supports something."""

    article: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"article": self.article, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class SummarySentence:
    text: str
    citations: tuple[Citation, ...]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citations": [c.to_json() for c in self.citations]}


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Quote:
    """Who said what: `start`/`end` locate the quoted content in the article's cleaned text."""

    speaker: str | None
    speaker_span: Span | None
    text: str
    article: str
    start: int
    end: int
    cue: str | None
    direct: bool
    same_as: tuple[int, ...] = ()
    # where the cue ("said", "according to") stands in the article's cleaned text
    cue_span: Span | None = None
    # the cue is an act of saying (or the quote is direct): see quotes/acts.py
    statement: bool = True
    # how the article introduces the speaker ("Kremlin spokesman"), when it does
    speaker_role: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "speaker_span": self.speaker_span.to_json() if self.speaker_span else None,
            "text": self.text,
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "cue": self.cue,
            "direct": self.direct,
            "same_as": list(self.same_as),
            "cue_span": self.cue_span.to_json() if self.cue_span else None,
            "statement": self.statement,
            "speaker_role": self.speaker_role,
        }


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    type: str
    aliases: tuple[str, ...]
    articles: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "aliases": list(self.aliases), "articles": list(self.articles)}


@dataclass(frozen=True, slots=True)
class Claim:
    text: str
    status: str  # "corroborated" | "single-source" | "disputed"
    support: tuple[Citation, ...]
    dispute: tuple[Citation, ...] = ()
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "text": self.text,
            "status": self.status,
            "support": [c.to_json() for c in self.support],
            "dispute": [c.to_json() for c in self.dispute],
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    date: str | None  # ISO 8601 at the precision the text gives; None when unresolved
    text: str
    citations: tuple[Citation, ...]
    resolved: bool = True
    expression: str | None = None  # the date words as written ("on Tuesday", "last July")

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "text": self.text,
            "citations": [c.to_json() for c in self.citations],
            "resolved": self.resolved,
            "expression": self.expression,
        }


@dataclass(frozen=True, slots=True)
class Story:
    """One real-world event: the articles that report it, and what crosswire made of them."""

    id: str
    title: str
    articles: tuple[str, ...]
    date: str | None = None
    place: str | None = None
    storyline: str | None = None
    summary: tuple[SummarySentence, ...] = ()
    quotes: tuple[Quote, ...] = ()
    entities: tuple[Entity, ...] = ()
    claims: tuple[Claim, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "articles": list(self.articles),
            "date": self.date,
            "place": self.place,
            "storyline": self.storyline,
            "summary": [s.to_json() for s in self.summary],
            "quotes": [q.to_json() for q in self.quotes],
            "entities": [e.to_json() for e in self.entities],
            "claims": [c.to_json() for c in self.claims],
            "timeline": [t.to_json() for t in self.timeline],
        }


@dataclass(frozen=True, slots=True)
class Storyline:
    """The stories of one ongoing matter, in date order."""

    id: str
    title: str
    stories: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "stories": list(self.stories)}


@dataclass(frozen=True, slots=True)
class Briefing:
    articles: tuple[Article, ...]
    failures: tuple[Failure, ...]
    stories: tuple[Story, ...]
    storylines: tuple[Storyline, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": [a.to_json() for a in self.articles],
            "failures": [f.to_json() for f in self.failures],
            "stories": [s.to_json() for s in self.stories],
            "storylines": [s.to_json() for s in self.storylines],
        }


def _citations(items: list[dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation(c["article"], c["start"], c["end"]) for c in items)


def quote_from_json(q: dict[str, Any]) -> Quote:
    """A Quote from its JSON form (fields added later default when absent)."""
    return Quote(
        speaker=q["speaker"],
        speaker_span=Span(**q["speaker_span"]) if q.get("speaker_span") else None,
        text=q["text"], article=q["article"], start=q["start"], end=q["end"], cue=q.get("cue"),
        direct=q["direct"], same_as=tuple(q.get("same_as", ())),
        cue_span=Span(**q["cue_span"]) if q.get("cue_span") else None,
        statement=q.get("statement", True),
        speaker_role=q.get("speaker_role"),
    )


def story_from_json(data: dict[str, Any]) -> Story:
    """Rebuild a Story from its `to_json()` form (used to read cached analyses back)."""
    return Story(
        id=data["id"],
        title=data["title"],
        articles=tuple(data["articles"]),
        date=data.get("date"),
        place=data.get("place"),
        storyline=data.get("storyline"),
        summary=tuple(SummarySentence(s["text"], _citations(s["citations"])) for s in data.get("summary", [])),
        quotes=tuple(quote_from_json(q) for q in data.get("quotes", [])),
        entities=tuple(Entity(e["name"], e["type"], tuple(e["aliases"]), tuple(e["articles"])) for e in data.get("entities", [])),
        claims=tuple(
            Claim(c["text"], c["status"], _citations(c["support"]), _citations(c.get("dispute", [])), c.get("note"))
            for c in data.get("claims", [])
        ),
        timeline=tuple(
            TimelineEvent(t["date"], t["text"], _citations(t["citations"]), t.get("resolved", True), t.get("expression"))
            for t in data.get("timeline", [])
        ),
    )


__all__ = [
    "Article",
    "Briefing",
    "Citation",
    "Claim",
    "Entity",
    "Failure",
    "Quote",
    "Sentence",
    "Span",
    "Story",
    "Storyline",
    "SummarySentence",
    "TimelineEvent",
    "story_from_json",
]
