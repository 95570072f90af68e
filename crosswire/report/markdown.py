"""The Markdown briefing: per storyline, per story — title, outlets and dates, the cited summary, who
said what, where outlets agree and differ, the timeline, and a numbered source list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..records import Article, Briefing, Citation, Story, Storyline
from .names import storyline_name_variants
from .quotes import reader_text, statements_by_speaker


def _outlet(article: Article) -> str:
    return article.source or article.id


def _date_range(articles: Sequence[Article]) -> str:
    dates = sorted(a.published[:10] for a in articles if a.published)
    if not dates:
        return ""
    return dates[0] if dates[0] == dates[-1] else f"{dates[0]} – {dates[-1]}"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class _Sources:
    """Numbers the articles of a story for citation markers like [1][3]."""

    def __init__(self, story: Story, by_id: dict[str, Article]):
        self.order = [by_id[a] for a in story.articles if a in by_id]
        self.number = {a.id: i for i, a in enumerate(self.order, 1)}

    def markers(self, citations: Sequence[Citation]) -> str:
        nums = sorted({self.number[c.article] for c in citations if c.article in self.number})
        return "".join(f"[{n}]" for n in nums)

    def outlet(self, article: Article) -> str:
        """The outlet's name, or the article's source number when its outlet is unknown (an id like
        `001_c2465f9aa2e9395f` tells a reader nothing the source list does not)."""
        return article.source or f"[{self.number[article.id]}]"

    def outlets(self) -> list[str]:
        """The story's outlets: named ones alphabetically, then unnamed articles by number."""
        named = sorted({a.source for a in self.order if a.source})
        return named + [self.outlet(a) for a in self.order if not a.source]


def _cut_at_word(text: str, limit: int) -> str:
    """`text` cut at the last word boundary within `limit` characters, " …" marking the cut."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " \u2026"


# A disputing sentence longer than this is cut at a word boundary, with an ellipsis.
_SIDE_CHARS = 240


def _other_side(claim, by_id: dict[str, Article], sources: _Sources) -> str:
    """For a disputed claim, what the other outlet says, in its own words: the first disputing
    sentence, quoted from the article, with its outlet ("— PTI: “… only for Peskov to deny …”")."""
    for c in claim.dispute:
        article = by_id.get(c.article)
        if article is None or c.article not in sources.number or not 0 <= c.start < c.end <= len(article.text):
            continue
        said = _cut_at_word(" ".join(article.text[c.start : c.end].split()), _SIDE_CHARS)
        return f" — {sources.outlet(article)}: \u201c{_escape(said)}\u201d {sources.markers([c])}"
    return ""


# How much of the cleaner's work a source line lists: a few pieces, each cut short.
_FURNITURE_SHOWN, _FURNITURE_CHARS = 4, 60


def _furniture(article: Article) -> str:
    """ " — removed as page furniture: “advertisement”, “0 Comments”" (what the cleaner took out of
    this article, so a reader can see nothing else was), or nothing."""
    pieces = list(dict.fromkeys(" ".join(r.split()) for r in article.removed if r.strip()))
    if not pieces:
        return ""
    listed = ", ".join(f"\u201c{_escape(_cut_at_word(p, _FURNITURE_CHARS))}\u201d" for p in pieces[:_FURNITURE_SHOWN])
    more = len(pieces) - _FURNITURE_SHOWN
    return f" — removed as page furniture: {listed}" + (f" and {more} more" if more > 0 else "")


def _reader_date(iso: str) -> str:
    """ "2019-05-14" -> "Tuesday 14 May 2019"; coarser dates ("2019-05", "2019") as they are."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%A} {day.day} {day:%B %Y}"


def _story_markdown(story: Story, by_id: dict[str, Article], level: str) -> list[str]:
    sources = _Sources(story, by_id)
    arts = sources.order
    outlets = sources.outlets()
    lines = [f"{level} {story.title}"]
    facts = [x for x in (_reader_date(story.date) if story.date else None, story.place) if x]
    span = _date_range(arts)
    if span and span not in facts:
        facts.append(f"published {span}")
    facts.append(", ".join(outlets))
    lines += [f"**{' · '.join(facts)}** — {len(arts)} article{'s' if len(arts) != 1 else ''}", ""]
    for sent in story.summary:
        lines.append(f"{sent.text} {sources.markers(sent.citations)}")
    if story.summary:
        lines.append("")
    def shown(q):
        art = by_id.get(q.article)
        return reader_text(q, art.text if art else None)

    speakers = statements_by_speaker(story.quotes, story.entities, shown)
    if speakers:
        lines += ["**Who said what**", ""]
        for speaker, role, statements in speakers:
            lines.append(f"- **{speaker or '(speaker not identified)'}**" + (f" ({role})" if role else ""))
            for statement in statements:
                parts = []
                for text, used in statement:
                    cites = [Citation(story.quotes[j].article, story.quotes[j].start, story.quotes[j].end) for j in used]
                    parts.append(f"{text} {sources.markers(cites)}")
                suffix = " — *the same statement, worded differently*" if len(parts) > 1 else ""
                lines.append("  - " + " ≈ ".join(parts) + suffix)
        lines.append("")
    if story.claims:
        lines += ["**Where the outlets agree and differ**", ""]
        header = "| claim | " + " | ".join(outlets) + " | status |"
        lines += [header, "|---|" + "---|" * len(outlets) + "---|"]
        for claim in story.claims:
            support = {sources.outlet(by_id[c.article]) for c in claim.support if c.article in sources.number}
            dispute = {sources.outlet(by_id[c.article]) for c in claim.dispute if c.article in sources.number}
            cells = ["✗" if o in dispute else ("✓" if o in support else "") for o in outlets]
            status = f"**{claim.status}**" if claim.status == "disputed" else claim.status
            text = f"**{_escape(claim.text)}**" if claim.status == "disputed" else _escape(claim.text)
            if claim.note:
                text += f" ({_escape(claim.note)})"
            text += _other_side(claim, by_id, sources)
            lines.append(f"| {text} | " + " | ".join(cells) + f" | {status} |")
        lines.append("")
    aliases = [e for e in story.entities if len({a.lower() for a in e.aliases} - {e.name.lower()}) and len(e.aliases) > 1]
    spelled = [e for e in aliases if any(a.split()[-1:] != e.name.split()[-1:] for a in e.aliases if " " in a)
               or any(a.split()[:1] != e.name.split()[:1] for a in e.aliases if " " in a)]
    if spelled:
        lines.append("Names: " + "; ".join(_one_name(sorted(set(e.aliases)), e.type, e.name) for e in spelled))
        lines.append("")
    if story.timeline:
        lines += ["**Timeline**", "", "| date | event | sources |", "|---|---|---|"]
        for event in story.timeline:
            date = event.date or f"unresolved: {event.expression or 'no date'}"
            lines.append(f"| {date} | {_escape(event.text)} | {sources.markers(event.citations)} |")
        lines.append("")
    lines.append("**Sources**")
    lines.append("")
    for a in arts:
        bits = [a.source] if a.source else []  # an unnamed outlet is its id, given once in backticks
        if a.title:
            bits.append(f"*{_escape(a.title)}*")
        if a.published:
            bits.append(a.published[:10])
        link = f" — <{a.url}>" if a.url else ""
        named = f"{' · '.join(bits)} (`{a.id}`)" if bits else f"`{a.id}`"
        lines.append(f"{sources.number[a.id]}. {named}{link}{_furniture(a)}")
    lines.append("")
    return lines


def briefing_markdown(briefing: Briefing) -> str:
    """The whole briefing as Markdown, stories grouped by storyline."""
    by_id = {a.id: a for a in briefing.articles}
    stories = {s.id: s for s in briefing.stories}
    lines = ["# Briefing", ""]
    n_out = len({_outlet(a) for a in briefing.articles})
    lines.append(
        f"{len(briefing.stories)} stories from {len(briefing.articles)} articles by {n_out} outlets"
        + (f"; {len(briefing.failures)} inputs could not be used (listed at the end)." if briefing.failures else ".")
    )
    lines.append("")
    placed: set[str] = set()
    lines_by_storyline: list[tuple[Storyline, list[Story]]] = []
    for line in briefing.storylines:
        members = [stories[s] for s in line.stories if s in stories]
        if members:
            lines_by_storyline.append((line, members))
            placed.update(s.id for s in members)
    loose = [s for s in briefing.stories if s.id not in placed]
    for line, members in lines_by_storyline:
        n_articles = sum(len(s.articles) for s in members)
        outlets = {_outlet(by_id[a]) for s in members for a in s.articles if a in by_id}
        if len(members) > 1:
            lines += [
                f"## Storyline: {line.title} — {len(members)} stories, {n_articles} articles, {len(outlets)} outlets",
                "",
            ]
            variants = storyline_name_variants(members)
            if variants:
                lines += [
                    "Names across these stories: "
                    + "; ".join(_one_name(v.spellings, v.type, v.name) for v in variants),
                    "",
                ]
            for n, story in enumerate(members, 1):
                lines += _story_markdown(story, by_id, f"### {n} ·")
        else:
            lines += _story_markdown(members[0], by_id, "##")
    for story in loose:
        lines += _story_markdown(story, by_id, "##")
    if briefing.failures:
        lines += ["## Inputs not used", ""]
        lines += [f"- `{f.input}`: {f.reason}" for f in briefing.failures]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# spaCy's entity labels in a reader's words
_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
          "NORP": "group", "LAW": "document", "EVENT": "event", "PRODUCT": "product", "WORK_OF_ART": "work"}


def _one_name(spellings: list[str] | tuple[str, ...], label: str, name: str) -> str:
    """ "Juan Guaido / Juan Guiado: one person (Juan Guaido)". """
    kind = _KINDS.get(label.upper(), label.lower())
    return f"{' / '.join(spellings)}: one {kind} ({name})"
