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
    """A `quotes` result as Markdown, grouped by speaker."""
    numbers = {a["id"]: i for i, a in enumerate(result["articles"], 1)}
    by_speaker: dict[str, list[dict[str, Any]]] = {}
    for q in result["quotes"]:
        by_speaker.setdefault(q["speaker"] or "(speaker not identified)", []).append(q)
    out = ["# Who said what", ""]
    for speaker, items in sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"- **{speaker}**")
        for q in items:
            text = f"\u201c{q['text']}\u201d" if q["direct"] else q["text"]
            cite = Citation(q["article"], q["start"], q["end"]).to_json()
            out.append(f"  - {text} {_markers(numbers, [cite])}")
    return "\n".join(out) + "\n"
