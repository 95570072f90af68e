"""Which facts that only one outlet states are worth a reader's attention.

Candidates are sentences no other outlet restates (claims.py decides that). A fact is salient when it
brings specifics no other outlet mentions at all -- a name or a figure: "a new hypersonic missile
dubbed Kinzhal", "Washington and 50 other countries" -- about the story's own subject, early in its
article. Sentences without such a specific restate or colour what others say and are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..records import Article, Sentence


def _outlet(article: Article) -> str:
    return (article.source or "").strip().lower() or f"article:{article.id}"


def _undated(text: str) -> str:
    """The text with its date expressions blanked: "on Tuesday, 14 May" is when, not a new fact."""
    from ..dates import find_dates

    for m in reversed(find_dates(text)):
        text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
    return text


# Names (runs of capitalised words, not the sentence's first word) and figures.
_SPECIFIC = re.compile(r"(?<=[\s(“\"])[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*|\d[\d,.]*\d|\d")


# Nationality words ("American", "Ukrainian", "Venezuelans") describe, they do not name a new fact.
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ian|ean|can|ese|ish|ans|ians)$")


def _specifics(text: str) -> set[str]:
    found = {m.group(0) for m in _SPECIFIC.finditer(_undated(text))}
    return {w for w in found if (len(w) > 1 or w.isdigit()) and not _DEMONYM.match(w)}


_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[A-Za-z][\w-]*")  # "Washington's" -> "Washington", "s"


def _mentioned(phrase: str, known: Callable[[str], bool]) -> bool:
    """Another outlet names it (`known`: the words other outlets use): every word of the phrase, its
    initials ("United States"/"US"), or half its words ("President Putin" / "Vladimir Putin"; but
    "New START Treaty" is not known from a "Treaty")."""
    words = _TOKEN.findall(phrase)
    if not words:
        return True
    if len(words) == 1:
        return known(words[0])
    hits = sum(map(known, words))
    return 2 * hits >= len(words) or known("".join(w[0] for w in words))


def single_source(pool: list[Sentence], bags: list[list[str]], articles: Sequence[Article]) -> list[Sentence]:
    """The candidates worth listing, best first, at most one per article.

    Score: (1 + new specifics, at most 2) x the share of outlets using the sentence's content words
    (the story's own subject, not an aside), discounted by position in the article.
    """
    outlet_of = {a.id: _outlet(a) for a in articles}
    vocab: dict[str, set[str]] = {}
    for a in articles:
        vocab.setdefault(outlet_of[a.id], set()).update(_TOKEN.findall(a.text))
    outlets_using: dict[str, int] = {}
    for words in vocab.values():
        for w in words:
            outlets_using[w] = outlets_using.get(w, 0) + 1
    n = max(len(vocab), 1)
    df: dict[str, set[str]] = {}
    for s, bag in zip(pool, bags, strict=True):
        for t in set(bag):
            df.setdefault(t, set()).add(outlet_of[s.article])
    ranked = []
    for s, bag in zip(pool, bags, strict=True):
        own = vocab[outlet_of[s.article]]

        def elsewhere(word: str, own: set[str] = own) -> bool:
            return outlets_using.get(word, 0) > (word in own)

        new = [w for w in _specifics(s.text) if not _mentioned(w, elsewhere)]
        if n > 1 and not new:
            continue
        spread = sum(len(df[t]) for t in set(bag)) / (len(set(bag)) * n)
        # Two new specifics make a fact; more mostly means a long list of names, not a bigger fact.
        ranked.append(((1 + min(len(new), 2)) * spread / (1.0 + 0.05 * s.index), s))
    ranked.sort(key=lambda t: -t[0])
    out, per_article = [], set()
    for _, s in ranked:
        if s.article in per_article:
            continue  # one per article, so one long article does not fill the list
        per_article.add(s.article)
        out.append(s)
    return out


__all__ = ["single_source"]
