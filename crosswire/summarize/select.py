"""Budgeted, non-redundant selection of scored sentences, and their citations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from ..compare.align import align, terms
from ..records import Sentence
from .features import MIN_WORDS, Candidates

# Two summary sentences may not have TF-IDF cosine above this. Stricter than the alignment cut-off
# (align.SAME_CONTENT, 0.45: "states the same content", which the citations also catch): two sentences
# at 0.35-0.45 share the story's names and most of one fact, and a budgeted summary gains more from a
# sentence with a new fact. 0.35 against 0.45: +0.3 on Multi-News validation clusters
# 0-124, even on NeuS train (the only two options compared); 0.25 already drops sentences that add
# a fact (R-2 on NeuS train -0.3).
REDUNDANT = 0.35


# Weight of new information in each greedy step, against the sentence's score (the score rescaled to
# [0, 1] within the story, the new information relative to the best sentence still allowed). New
# information is the sum, over the word pairs and words a sentence would add to the summary, of how
# many articles use them (ROUGE-2 counts word pairs; pairs several outlets use are the story's own).
# Compared with score alone plus the REDUNDANT cut (and the score x words swaps this replaced): 0.2,
# with words at 0.3 of a pair, was the one of six settings ({0.2, 0.35, 0.5} x {pairs, pairs and
# words}) that raised ROUGE-2 on all four sets looked at (NeuS train and val, both halves of
# Multi-News validation), by 0.06 to 0.28.
COVERAGE = 0.2
WORD_WEIGHT = 0.3


def pick(cands: Candidates, scores: np.ndarray, words: int, exclude: frozenset[int] = frozenset()) -> list[Sentence]:
    """Greedy by score and new information; no two chosen sentences repeat each other.

    Returned best first. `exclude` holds candidate positions never to take.
    """
    sims = (cands.vectors @ cands.vectors.T).toarray()
    concepts, weights = _concepts(cands)
    uncovered = weights.copy()
    unit = _unit(scores)
    allowed = np.array([i not in exclude for i in range(len(scores))])
    # One article: the new-information term would only reward long sentences (each concept counts
    # once) and pull the selection away from the article's order, which scores it (scoring.lead_order).
    coverage = 0.0 if cands.one_article else COVERAGE
    chosen: list[int] = []
    left = words
    while left >= MIN_WORDS:
        ok = allowed & (cands.words <= left)
        ok[chosen] = False
        if chosen:
            ok &= sims[:, chosen].max(axis=1) <= REDUNDANT
        if not ok.any():
            break
        gain = concepts @ uncovered
        value = (1 - coverage) * unit + coverage * gain / (gain[ok].max() or 1.0)
        i = int(np.argmax(np.where(ok, value, -np.inf)))
        chosen.append(i)
        left -= int(cands.words[i])
        uncovered[concepts[i].indices] = 0.0
    return [cands.sentences[i] for i in sorted(chosen, key=lambda i: -scores[i])]


def _concepts(cands: Candidates) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sentence x concept incidence (content-word pairs and words) and each concept's weight.

    A concept's weight is the number of articles using it (`cands.spread`), counted only when at
    least two do (one outlet's wording is not the story's); in a one-article story every concept
    counts once.
    """
    index: dict[tuple[str, ...], int] = {}
    rows, cols = [], []
    for i, s in enumerate(cands.sentences):
        bag = terms(s.text)  # cached: the features read the same sentences
        # dict, not set: a fixed order keeps the float sums, and so any tie, the same from run to run
        for c in dict.fromkeys([*zip(bag, bag[1:], strict=False), *((t,) for t in bag)]):
            rows.append(i)
            cols.append(index.setdefault(c, len(index)))
    incidence = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(cands.sentences), len(index)), dtype=np.float64
    )
    spread = np.array([cands.spread[c] for c in index], dtype=float)
    floor = 1 if cands.one_article else 2
    weights = np.where(spread >= floor, spread, 0.0)
    weights *= np.array([1.0 if len(c) == 2 else WORD_WEIGHT for c in index])
    return incidence, weights


def _unit(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


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
