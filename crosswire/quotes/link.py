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


def link_same_statements(quotes: Sequence[Quote], articles: Sequence[Article] = ()) -> list[Quote]:
    """Copies of `quotes` whose `same_as` lists the indices of the same statement in other articles."""
    quotes = list(quotes)
    words = [_words(q.text) for q in quotes]
    usable = [i for i, w in enumerate(words) if len(w) >= MIN_WORDS]
    links: dict[int, set[int]] = {i: set() for i in range(len(quotes))}
    if len(usable) >= 2:
        from ..nlp import embed

        vecs = embed([quotes[i].text for i in usable])
        sims = vecs @ vecs.T
        for a_pos, i in enumerate(usable):
            for b_pos in range(a_pos + 1, len(usable)):
                j = usable[b_pos]
                qi, qj = quotes[i], quotes[j]
                if qi.article == qj.article:
                    continue
                if qi.speaker and qj.speaker and qi.speaker != qj.speaker:
                    continue
                cos = float(sims[a_pos, b_pos])
                shared = len(words[i] & words[j]) / min(len(words[i]), len(words[j]))
                if cos >= STRONG_COSINE or (cos >= WEAK_COSINE and shared >= MIN_WORD_OVERLAP):
                    links[i].add(j)
                    links[j].add(i)
    return [replace(q, same_as=tuple(sorted(links[i]))) for i, q in enumerate(quotes)]
