"""Renderers for the lighter commands: `stories`, `summarize` and `quotes`."""

from __future__ import annotations

from typing import Any

from ..records import Citation


def stories_json(result: Any) -> dict[str, Any]:
    """The `stories` contract: {"stories": [{id, title, articles, date, place}], "storylines", "failures"}."""
    return {
        "stories": [
            {"id": s.id, "title": s.title, "articles": list(s.articles), "date": s.date, "place": s.place,
             "storyline": s.storyline}
            for s in result.stories
        ],
        "storylines": [line.to_json() for line in result.storylines],
        "failures": [f.to_json() for f in result.failures],
    }


def stories_markdown(result: Any) -> str:
    """Stories grouped by storyline, one line a story."""
    by_id = {s.id: s for s in result.stories}
    out = ["# Stories", ""]
    placed: set[str] = set()
    for line in result.storylines:
        members = [by_id[s] for s in line.stories if s in by_id]
        if not members:
            continue
        out.append(f"## {line.title}")
        for s in members:
            placed.add(s.id)
            where = " · ".join(x for x in (s.date, s.place) if x)
            out.append(f"- **{s.title}**" + (f" ({where})" if where else "") + f" — {len(s.articles)} article(s)")
        out.append("")
    rest = [s for s in result.stories if s.id not in placed]
    if rest:
        out.append("## Other stories")
        out += [f"- **{s.title}** — {len(s.articles)} article(s)" for s in rest]
        out.append("")
    return "\n".join(out)


def _markers(numbers: dict[str, int], citations: list[dict[str, Any]]) -> str:
    return "".join(f"[{n}]" for n in sorted({numbers[c['article']] for c in citations if c["article"] in numbers}))


def summary_markdown(result: dict[str, Any]) -> str:
    """A `summarize` result as Markdown with citation markers and a source list."""
    numbers = {a["id"]: i for i, a in enumerate(result["articles"], 1)}
    out = ["# Summary", ""]
    out += [f"{s['text']} {_markers(numbers, s['citations'])}" for s in result["summary"]]
    out += ["", "**Sources**", ""]
    out += [f"{numbers[a['id']]}. {a.get('source') or a['id']}" + (f" · *{a['title']}*" if a.get("title") else "")
            for a in result["articles"]]
    return "\n".join(out) + "\n"


def quotes_markdown(result: dict[str, Any]) -> str:
    """A `quotes` result as Markdown: the statements grouped by speaker, shown as a briefing shows
    them (indirect speech with its cue), and a source list. Renderings of one statement are not
    joined here: without stories, the same speaker's words on two occasions can look alike."""
    from ..records import quote_from_json
    from .quotes import reader_text, speaker_groups, speaker_role

    numbers = {a["id"]: i for i, a in enumerate(result["articles"], 1)}
    texts = {a["id"]: a.get("text") for a in result["articles"]}
    quotes = [quote_from_json(q) for q in result["quotes"]]
    out = ["# Who said what", ""]
    for speaker, idxs in speaker_groups(quotes):
        role = speaker_role(quotes, idxs) if speaker else None
        out.append(f"- **{speaker or '(speaker not identified)'}**" + (f" ({role})" if role else ""))
        for i in idxs:
            q = quotes[i]
            cite = Citation(q.article, q.start, q.end).to_json()
            out.append(f"  - {reader_text(q, texts.get(q.article))} {_markers(numbers, [cite])}")
    out += ["", "**Sources**", ""]
    out += [f"{numbers[a['id']]}. {a.get('source') or a['id']}" + (f" · *{a['title']}*" if a.get("title") else "")
            for a in result["articles"]]
    return "\n".join(out) + "\n"
