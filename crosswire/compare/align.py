"""Which sentences, across articles, state the same content.

Two signals, both cheap enough to run on every story:

* a lexical one: cosine of TF-IDF vectors over stemmed content words (stop words out), so
  "Pompeo met Lavrov in Sochi" and "Lavrov and Pompeo met in Sochi on Tuesday" match whatever
  the word order;
* a semantic one (optional): cosine of all-MiniLM-L6-v2 sentence embeddings, which catches
  paraphrase ("ready to improve ties" / "prepared to mend relations") that shares few words.

`similarity()` blends them into one matrix; `supporting()` and `align()` turn it into the sentences of
other articles that back a given sentence (at most one per article: the best match).  The summarizer
uses this for citations; claims and quote matching can use the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..records import Sentence

# A sentence "states the same content" as another when the blended score reaches this.  Calibrated by
# reading pairs from the seeds and NeuS leads: at 0.5 lexical-only, pairs are near-verbatim or close
# rewrites of one fact; below ~0.35 they share a topic (names, place) but say different things.
# The semantic score (MiniLM cosine) is stricter in the same range: topical-only pairs of one story
# sit at 0.4-0.6, restatements of a fact above 0.7.
SAME_CONTENT = 0.5
# Semantic cosine is mapped onto the lexical scale before blending: (cos - 0.35) / 0.5, so 0.6 ->
# 0.5 (borderline) and 0.85 -> 1.0; an embedding cosine below 0.35 (unrelated sentences) adds nothing.
_SEM_FLOOR, _SEM_SPAN = 0.35, 0.5
# Pairs whose lexical score is below this are not sent to the embedder at all: restatements of the
# same fact in news almost always share a name, number or content word (seen on the seeds), and the
# filter keeps embedding cost to a handful of sentences per summary sentence.
_LEXICAL_PREFILTER = 0.12

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "say", "told", "according", "also", "just", "like"}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper (plural, -ed, -ing, -ly): enough to match inflections, no dependency."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("edly", ""), ("ed", ""), ("ly", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + keep
    return word


def terms(text: str) -> list[str]:
    """Stemmed content words of `text`, in order (lower-cased, stop words and possessives out)."""
    out = []
    for w in _WORD.findall(text.lower()):
        w = w.replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if w in _STOP or len(w) < 2:
            continue
        out.append(stem(w))
    return out


def tfidf(texts: Sequence[str], docs: Sequence[Sequence[str]] | None = None) -> sparse.csr_matrix:
    """Row-normalized TF-IDF matrix of `texts` (sublinear tf); idf from `docs` term lists if given."""
    bags = [terms(t) for t in texts]
    return tfidf_from_terms(bags, docs)


def tfidf_from_terms(bags: Sequence[Sequence[str]], docs: Sequence[Sequence[str]] | None = None) -> sparse.csr_matrix:
    """Row-normalized TF-IDF matrix of pre-tokenized bags (see `terms`)."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, bag in enumerate(bags):
        counts: dict[int, int] = {}
        for t in bag:
            j = vocab.setdefault(t, len(vocab))
            counts[j] = counts.get(j, 0) + 1
        for j, c in counts.items():
            rows.append(i)
            cols.append(j)
            vals.append(1.0 + np.log(c))
    units = docs if docs is not None else bags
    df = np.zeros(len(vocab))
    for unit in units:
        for t in set(unit):
            j = vocab.get(t)
            if j is not None:
                df[j] += 1
    idf = np.log((1 + len(units)) / (1 + df)) + 1.0
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(bags), len(vocab)), dtype=np.float64)
    m = m.multiply(idf[None, :]).tocsr() if len(vocab) else m
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


def similarity(a: Sequence[str], b: Sequence[str], *, semantic: bool = True) -> np.ndarray:
    """Same-content score in [0, 1] for every pair (a[i], b[j]); see SAME_CONTENT for the cut-off.

    Lexical TF-IDF cosine, raised by the (rescaled) embedding cosine when `semantic` and the pair passes
    a cheap lexical prefilter; the blend is the max of the two, so either signal alone can establish a
    match.
    """
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)))
    m = tfidf(list(a) + list(b))
    lex = (m[: len(a)] @ m[len(a) :].T).toarray()
    if not semantic:
        return lex
    need = lex >= _LEXICAL_PREFILTER
    if not need.any():
        return lex
    ia = np.flatnonzero(need.any(axis=1))
    ib = np.flatnonzero(need.any(axis=0))
    from ..nlp import embed

    vecs = embed([a[i] for i in ia] + [b[j] for j in ib])
    sem = vecs[: len(ia)] @ vecs[len(ia) :].T
    scaled = np.clip((sem - _SEM_FLOOR) / _SEM_SPAN, 0.0, 1.0)
    out = lex.copy()
    block = out[np.ix_(ia, ib)]
    out[np.ix_(ia, ib)] = np.where(need[np.ix_(ia, ib)], np.maximum(block, scaled), block)
    return out


def supporting(
    sentence: Sentence,
    candidates: Sequence[Sentence],
    *,
    threshold: float = SAME_CONTENT,
    semantic: bool = True,
) -> list[Sentence]:
    """The candidates that state the same content as `sentence`: the best match per other article.

    Candidates from `sentence`'s own article are ignored. Result is ordered by decreasing score.
    """
    return align([sentence], candidates, threshold=threshold, semantic=semantic)[0]


def align(
    sentences: Sequence[Sentence],
    candidates: Sequence[Sentence],
    *,
    threshold: float = SAME_CONTENT,
    semantic: bool = True,
) -> list[list[Sentence]]:
    """For each sentence, its `supporting` candidates (one matrix computation for all of them)."""
    if not sentences:
        return []
    scores = similarity([s.text for s in sentences], [c.text for c in candidates], semantic=semantic)
    out: list[list[Sentence]] = []
    for i, s in enumerate(sentences):
        best: dict[str, tuple[float, Sentence]] = {}
        for j, c in enumerate(candidates):
            score = scores[i, j]
            if c.article == s.article or score < threshold:
                continue
            if c.article not in best or score > best[c.article][0]:
                best[c.article] = (score, c)
        out.append([c for _, c in sorted(best.values(), key=lambda x: -x[0])])
    return out


__all__ = ["SAME_CONTENT", "align", "similarity", "stem", "supporting", "terms", "tfidf", "tfidf_from_terms"]
