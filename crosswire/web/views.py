"""What the pages show, computed from records: plain data the templates render (no HTML built here).

Everything that reaches a template is plain text; Jinja2's autoescaping turns it into HTML, so no
article text or title is ever interpreted as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlsplit

from ..records import Article, Citation, Quote, Story, Storyline
from ..report.names import NameVariant
from ..report.quotes import reader_text, statements_by_speaker
from ..segment import split_spans

# A paragraph longer than this is cut down to the cited sentences and one sentence either side, so
# the popover stays readable on a phone; most news paragraphs (1-3 sentences) are well under it.
MAX_CONTEXT_CHARS = 700


def outlet(article: Article) -> str:
    """The name a reader knows the article by: its outlet, else its id."""
    return article.source or article.id


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link; anything else (javascript:, data:) is never a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in {"http", "https"} else None


def nice_date(value: str | None) -> str:
    """'2019-05-14...' -> '14 May 2019'; partial dates keep their precision; other text as is."""
    if not value:
        return ""
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return value
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            return date(int(year), int(month), int(day)).strftime("%-d %b %Y")
        if month:
            return date(int(year), int(month), 1).strftime("%b %Y")
    except ValueError:
        return value
    return year


def date_range(articles: Sequence[Article], fallback: str | None = None) -> tuple[str | None, str | None]:
    """First and last publication date (YYYY-MM-DD) of the articles, or the story's own date."""
    dates = sorted(a.published[:10] for a in articles if a.published)
    if not dates:
        return fallback, fallback
    return dates[0], dates[-1]


# -- the story list ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StoryRow:
    story: Story
    outlets: tuple[str, ...]
    first: str | None
    last: str | None

    def to_json(self) -> dict:
        data = self.story.to_json()
        for key in ("summary", "quotes", "entities", "claims", "timeline"):
            data.pop(key, None)  # the list is the grouping only; analysis lives at /api/stories/{id}
        data.update(
            article_count=len(self.story.articles), outlets=list(self.outlets),
            first_published=self.first, last_published=self.last,
        )
        return data


@dataclass(frozen=True, slots=True)
class NameLine:
    """A name the stories of one storyline spell differently, with the stories that use it."""

    spellings: tuple[str, ...]  # the most used spelling first
    stories: tuple[tuple[str, str, str], ...]  # (story id, short label, full title)


@dataclass(frozen=True, slots=True)
class Group:
    """A storyline (or a lone story) on the front page."""

    title: str | None
    rows: tuple[StoryRow, ...]
    storyline: str | None = None
    names: tuple[NameLine, ...] = ()


def story_rows(stories: Sequence[Story], by_id: dict[str, Article]) -> list[StoryRow]:
    rows = []
    for s in stories:
        members = [by_id[a] for a in s.articles if a in by_id]
        first, last = date_range(members, s.date)
        rows.append(StoryRow(s, tuple(sorted({outlet(a) for a in members})), first, last))
    return rows


def matches(story: Story, by_id: dict[str, Article], query: str) -> bool:
    """Every word of the query occurs in the story title or in one of its articles' titles or text."""
    terms = query.casefold().split()
    if not terms:
        return True
    haystack = [story.title.casefold()]
    for a in story.articles:
        if a in by_id:
            haystack += [(by_id[a].title or "").casefold(), by_id[a].text.casefold()]
    return all(any(t in h for h in haystack) for t in terms)


def front_page(rows: Sequence[StoryRow], storylines: Sequence[Storyline]) -> list[Group]:
    """Stories grouped by storyline, the groups and their stories newest first."""
    by_story = {r.story.id: r for r in rows}
    groups: list[Group] = []
    placed: set[str] = set()
    for line in storylines:
        members = [by_story[s] for s in line.stories if s in by_story and s not in placed]
        if not members:
            continue
        placed.update(r.story.id for r in members)
        members.sort(key=_newest, reverse=True)
        groups.append(Group(line.title if len(members) > 1 else None, tuple(members), line.id))
    groups += [Group(None, (r,)) for r in rows if r.story.id not in placed]
    groups.sort(key=lambda g: max(_newest(r) for r in g.rows), reverse=True)
    return groups


def _newest(row: StoryRow) -> tuple[str, str]:
    return (row.last or row.story.date or "", row.story.id)


def with_names(groups: Sequence[Group], variants: dict[str, list[NameVariant]]) -> list[Group]:
    """The groups, each storyline heading with the names its shown stories spell differently."""
    out = []
    for g in groups:
        shown = {r.story.id: r.story for r in g.rows}
        found = variants.get(g.storyline or "", []) if g.title else []
        out.append(replace(g, names=tuple(name_lines(found, shown))))
    return out


def name_lines(variants: Sequence[NameVariant], stories: dict[str, Story]) -> list[NameLine]:
    """Variants as the page shows them, keeping only those that two of the given stories spell apart
    (a search can hide the other story; then "across these stories" would not be true)."""
    lines = []
    for v in variants:
        members = [stories[s] for s in v.stories if s in stories]
        if len(members) < 2:
            continue
        # "the Geneva story" reads best and matches the place shown on each row; stories without a
        # place, or two in one place, are named by their (shortened) titles instead.
        places = [s.place for s in members]
        by_place = all(places) and len(set(places)) == len(places)
        lines.append(NameLine(v.spellings, tuple(
            (s.id, f"{s.place} story" if by_place else f"“{short(s.title)}”", s.title) for s in members
        )))
    return lines


def short(text: str, limit: int = 48) -> str:
    """The text cut at a word boundary to about `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:-–—") + "…"


# -- citations in context ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Snippet:
    """A cited span shown in the paragraph around it: before + <mark>marked</mark> + after."""

    key: str
    article: Article
    number: int
    start: int
    end: int
    before: str
    marked: str
    after: str
    cut_before: bool
    cut_after: bool


@dataclass
class Sources:
    """Numbers a story's articles and collects every cited span on the page as a Snippet."""

    articles: list[Article]
    number: dict[str, int] = field(init=False)
    snippets: dict[tuple[str, int, int], Snippet] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.number = {a.id: i for i, a in enumerate(self.articles, 1)}
        self._by_id = {a.id: a for a in self.articles}

    def markers(self, citations: Iterable[Citation]) -> list[Snippet]:
        """One marker per cited span (valid spans only), in source order."""
        out = [s for c in citations if (s := self.snippet(c.article, c.start, c.end))]
        return sorted(out, key=lambda s: (s.number, s.start))

    def article(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def snippet(self, article_id: str, start: int, end: int) -> Snippet | None:
        key = (article_id, start, end)
        if key in self.snippets:
            return self.snippets[key]
        article = self._by_id.get(article_id)
        if article is None or not (0 <= start < end <= len(article.text)):
            return None  # never show a span that does not slice the cleaned text
        lo, hi = context_bounds(article.text, start, end)
        snip = Snippet(
            key=f"src-{len(self.snippets) + 1}", article=article, number=self.number[article_id],
            start=start, end=end, before=article.text[lo:start], marked=article.text[start:end],
            after=article.text[end:hi], cut_before=lo > 0 and article.text[lo - 1] != "\n",
            cut_after=hi < len(article.text) and article.text[hi] != "\n",
        )
        self.snippets[key] = snip
        return snip


def context_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph around [start, end), cut to one sentence either side when it is long."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    if hi - lo <= MAX_CONTEXT_CHARS:
        return lo, hi
    spans = [(s + lo, e + lo) for s, e in split_spans(text[lo:hi])]
    inside = [i for i, (s, e) in enumerate(spans) if e > start and s < end]
    if not inside:
        return start, end
    first, last = max(inside[0] - 1, 0), min(inside[-1] + 1, len(spans) - 1)
    return min(spans[first][0], start), max(spans[last][1], end)


# -- parts of the story page ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class QuoteItem:
    # (the first Quote of a wording, the snippets of every quote using it, the words shown: indirect
    # speech with its cue); more than one wording = the same statement, worded differently
    quotes: tuple[tuple[Quote, tuple[Snippet, ...], str], ...]


def quotes_by_speaker(story: Story, sources: Sources) -> list[tuple[str, str | None, list[QuoteItem]]]:
    """(speaker, how the articles introduce them, their quotes): most quoted first; a quote and its
    same-statement twins shown together."""
    out = []
    for speaker, role, statements in statements_by_speaker(story.quotes, story.entities, lambda q: _shown(q, sources)):
        items = []
        for statement in statements:
            entries = []
            for text, used in statement:
                first = story.quotes[used[0]]
                snips = (sources.snippet(story.quotes[j].article, story.quotes[j].start, story.quotes[j].end) for j in used)
                entries.append((first, tuple(x for x in snips if x is not None), text))
            items.append(QuoteItem(tuple(entries)))
        if items:
            out.append((speaker or "Speaker not identified", role, items))
    return out


def _shown(quote: Quote, sources: Sources) -> str:
    # the page's <q> marks direct speech itself; indirect speech is shown with the cue before it
    if quote.direct:
        return quote.text
    article = sources.article(quote.article)
    return reader_text(quote, article.text if article else None)


def claim_rows(story: Story, sources: Sources) -> list[dict]:
    """Each claim with, per article, the snippet that supports ('yes') or disputes ('no') it."""
    rows = []
    for claim in story.claims:
        cells: dict[str, tuple[str, Snippet | None]] = {}
        for kind, cites in (("yes", claim.support), ("no", claim.dispute)):
            for c in cites:
                if c.article in sources.number and (c.article not in cells or kind == "no"):
                    cells[c.article] = (kind, sources.snippet(c.article, c.start, c.end))
        rows.append({"claim": claim, "cells": cells})
    return rows


def article_marks(text: str, spans: Iterable[tuple[int, int, str]]) -> list[list[tuple[str, str | None]]]:
    """Paragraphs of `text` as (piece, css classes or None) runs; a piece inside several spans gets
    each kind ("cited quote"), so a quote inside a cited sentence shows as both."""
    kinds: list[frozenset[str]] = [frozenset()] * len(text)
    for start, end, kind in spans:
        if not (0 <= start < end <= len(text)):
            continue  # never trust an offset that does not slice the text
        for i in range(start, end):
            kinds[i] = kinds[i] | set(kind.split())
    paragraphs: list[list[tuple[str, str | None]]] = []
    pos = 0
    for para in text.split("\n"):
        runs: list[tuple[str, str | None]] = []
        i, stop = pos, pos + len(para)
        while i < stop:
            j = i
            while j < stop and kinds[j] == kinds[i]:
                j += 1
            runs.append((text[i:j], " ".join(sorted(kinds[i])) or None))
            i = j
        if para.strip():
            paragraphs.append(runs)
        pos += len(para) + 1
    return paragraphs


def cited_spans(story: Story, article_id: str) -> list[tuple[int, int, str]]:
    """Every span of the article that the story's summary, claims, timeline or quotes point at."""
    summary = [c for s in story.summary for c in s.citations]
    other = [c for claim in story.claims for c in (*claim.support, *claim.dispute)]
    other += [c for event in story.timeline for c in event.citations]
    spans = [(c.start, c.end, "cited summary") for c in summary if c.article == article_id]
    spans += [(c.start, c.end, "cited") for c in other if c.article == article_id]
    spans += [(q.start, q.end, "quote") for q in story.quotes if q.article == article_id]
    return spans
