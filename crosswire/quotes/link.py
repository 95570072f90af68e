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

# Cosine of all-MiniLM-L6-v2 embeddings between sentences or quoted pieces. Measured on the seed
# stories: two translations of one remark score only 0.51-0.58 ("We see that there are suspicions
# and prejudices" / "We understand that a lot of suspicions and biases have accumulated") but share
# at least a third of their content words; different remarks at the same event score up to 0.69.
# So a high cosine alone links (0.75: above anything seen between different remarks), and a
# moderate one (0.50) links only with a third of the shorter side's content words shared.
# Known limit: two different remarks of one speaker on one theme can pass the second test.
STRONG_COSINE = 0.75
WEAK_COSINE = 0.50
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
    """The quote, its quoted pieces and their sentences: a translation may render one sentence."""
    from ..segment import split_spans
    from .marks import find_quotes

    pieces = [text[q.start : q.end] for q in find_quotes(text)] or [text]
    out = {text}
    for piece in pieces:
        out.add(piece)
        out.update(piece[s:e] for s, e in split_spans(piece))
    return [p for p in out if len(_words(p)) >= MIN_WORDS]


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
