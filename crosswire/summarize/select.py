"""Budgeted, non-redundant selection of scored sentences, and their citations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..compare.align import SAME_CONTENT, align
from ..records import Sentence
from .features import MIN_WORDS, Candidates

# Two summary sentences may not have TF-IDF cosine above this. It is the alignment cut-off itself
# (align.SAME_CONTENT): a sentence that "states the same content" as one already chosen would be a
# citation of it, not new information, so it is redundant by the same definition the citations use.
# Pairs at 0.3-0.5 share the story's names but add a fact, which a summary wants.
REDUNDANT = SAME_CONTENT


def pick(cands: Candidates, scores: np.ndarray, words: int, exclude: frozenset[int] = frozenset()) -> list[Sentence]:
    """Greedy by score: take a sentence if it fits the remaining budget and repeats nothing chosen.

    Returned best first. `exclude` holds candidate positions never to take.
    """
    chosen: list[int] = []
    left = words
    sims = cands.vectors
    for i in np.argsort(-scores, kind="stable"):
        if left < MIN_WORDS:
            break
        if int(i) in exclude:
            continue
        n = int(cands.words[i])
        if n > left:
            continue
        if chosen:
            overlap = (sims[i] @ sims[chosen].T).toarray().max()
            if overlap > REDUNDANT:
                continue
        chosen.append(int(i))
        left -= n
    return [cands.sentences[i] for i in chosen]


def cite(chosen: Sequence[Sentence], everything: Sequence[Sentence], *, semantic: bool) -> list[list[Sentence]]:
    """For each chosen sentence, the best sentence of each other article stating the same content."""
    return align(chosen, everything, semantic=semantic)


def restated(chosen: Sequence[Sentence], support: Sequence[Sequence[Sentence]]) -> set[int]:
    """Positions of chosen sentences that a better-ranked chosen sentence cites as saying the same.

    Word overlap (REDUNDANT) cannot see a paraphrase; the citations, when aligned with embeddings,
    can: a summary sentence that is another one's citation repeats it.
    """
    spans = {(s.article, s.start): i for i, s in enumerate(chosen)}
    out = set()
    for i, backing in enumerate(support):
        if i in out:
            continue
        for b in backing:
            j = spans.get((b.article, b.start))
            if j is not None and j > i:
                out.add(j)
    return out
