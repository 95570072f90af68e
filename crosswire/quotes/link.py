"""Same statement, different outlets: link quotes that render one utterance in other words.

Two quotes from different articles are linked when their sentence embeddings are close, or fairly
close and they share content words; and never when both speakers are known and differ. Links are
pairwise (not closed transitively) so one loose pair cannot chain unrelated statements together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..records import Article, Quote

__all__ = ["link_same_statements"]

# Cosine of all-MiniLM-L6-v2 embeddings. Translations of one remark ("suspicions and prejudices" /
# "suspicions and biases") score about 0.75-0.95; different remarks of the same two speakers at the
# same event score mostly 0.3-0.6 (measured on the seed stories). 0.80 alone is a paraphrase; from
# 0.62 a shared third of the content words is required as well.
STRONG_COSINE = 0.80
WEAK_COSINE = 0.62
MIN_WORD_OVERLAP = 0.30
# Below this many content words a quote ("baseless") is too short to tell statements apart.
MIN_WORDS = 3
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_STOP = set(
    "a an the and or but of to in on at for from by with as is are was were be been being it its this that "
    "these those we our us you your i my me he his him she her they their them not no do does did will "
    "would can could should have has had there here what which who whom whose than then so if about".split()
)


def _words(text: str) -> set[str]:
    # five-letter prefixes: a crude stem, so "improve"/"improving", "prejudice"/"prejudices" meet
    return {w.lower()[:5] for w in _WORD.findall(text) if w.lower() not in _STOP}


def _segments(text: str) -> list[str]:
    """The quoted pieces of a quote split by its attribution, else the whole text."""
    from .marks import find_quotes

    parts = [text[q.start : q.end] for q in find_quotes(text)]
    parts = [p for p in parts if len(_words(p)) >= MIN_WORDS]
    return parts or [text]


def link_same_statements(quotes: Sequence[Quote], articles: Sequence[Article] = ()) -> list[Quote]:
    """Copies of `quotes` whose `same_as` lists the indices of the same statement in other articles."""
    quotes = list(quotes)
    links: dict[int, set[int]] = {i: set() for i in range(len(quotes))}
    segs = [(i, seg) for i, q in enumerate(quotes) for seg in _segments(q.text)]
    segs = [(i, seg, _words(seg)) for i, seg in segs]
    segs = [s for s in segs if len(s[2]) >= MIN_WORDS]
    if len(segs) >= 2:
        from ..nlp import embed

        sims = embed([seg for _, seg, _ in segs])
        sims = sims @ sims.T
        for a in range(len(segs)):
            for b in range(a + 1, len(segs)):
                (i, _, wi), (j, _, wj) = segs[a], segs[b]
                qi, qj = quotes[i], quotes[j]
                if i == j or qi.article == qj.article or j in links[i]:
                    continue
                if qi.speaker and qj.speaker and qi.speaker != qj.speaker:
                    continue
                cos = float(sims[a, b])
                shared = len(wi & wj) / min(len(wi), len(wj))
                if cos >= STRONG_COSINE or (cos >= WEAK_COSINE and shared >= MIN_WORD_OVERLAP):
                    links[i].add(j)
                    links[j].add(i)
    return [replace(q, same_as=tuple(sorted(links[i]))) for i, q in enumerate(quotes)]
