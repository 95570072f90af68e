"""Which sentences, across articles, state the same content.

Two signals:

* a lexical one: cosine of TF-IDF vectors over stemmed content words (stop words out), so
  "Pompeo met Lavrov in Sochi" and "Lavrov and Pompeo met in Sochi on Tuesday" match whatever
  the word order;
* a semantic one (optional, costlier): cosine of all-MiniLM-L6-v2 sentence embeddings, averaged in
  only where word overlap is undecided, which catches paraphrase that shares few words ("prepared
  to improve relations" / "ready to improve ties").

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

from ..records import Sentence

# A pair "states the same content" when its score reaches this.  Calibrated by reading pairs of the
# seeds (three reports of one meeting): lexical cosine >= 0.45 pairs are near-verbatim or close
# rewrites of one fact ("time to build a new and more constructive matrix for our relations" /
# "time to start building a new, more responsible and constructive model"); pairs at 0.15-0.35 share
# the story's names but state different facts.
SAME_CONTENT = 0.45
# Between those bands word overlap cannot decide, so the embedding cosine is averaged in: real
# paraphrases of the seeds ("said ... prepared to improve relations" / "top diplomats said ... ready
# to improve ties") score lexical 0.24 + MiniLM 0.67, topical-only pairs lexical 0.15-0.2 + MiniLM
# 0.5-0.62, so the mean separates them at SAME_CONTENT where neither signal does alone.  MiniLM by
# itself puts unrelated sentences of one story at 0.4-0.6, so it is never trusted alone.
_SEMANTIC_BAND = (0.15, SAME_CONTENT)
# With embeddings on, only this many best lexical candidates per (sentence, other article) are embedded.
CANDIDATES_PER_ARTICLE = 2

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_REPORTING_WORDS = frozenset({"said", "says", "say", "told", "according", "also", "just", "like"})


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, imported on first use.

    Importing scikit-learn (with the SciPy and pandas modules it pulls in) took about a second of
    every command's start, before its second core had work, for one list of words.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return english_stop_words() | _REPORTING_WORDS


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper (plural, -ed, -ing, -ly): enough to match inflections, no dependency."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("edly", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + keep
    return word


@lru_cache(maxsize=32_768)
def terms(text: str) -> tuple[str, ...]:
    """Stemmed content words of `text`, in order (lower-cased, stop words and possessives out).

    Cached: a story's sentences are read by features, selection and citation alike.
    """
    out = []
    stop = _stop_words()
    for w in _WORD.findall(text.lower()):
        w = w.replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if w in stop or len(w) < 2:
            continue
        out.append(stem(w))
    return tuple(out)


def tfidf(texts: Sequence[str], docs: Sequence[Sequence[str]] | None = None) -> sparse.csr_matrix:
    """Row-normalized TF-IDF matrix of `texts` (sublinear tf); idf from `docs` term lists if given."""
    bags = [terms(t) for t in texts]
    return tfidf_from_terms(bags, docs)


def tfidf_from_terms(
    bags: Sequence[Sequence[str]], docs: Sequence[Sequence[str]] | None = None
) -> sparse.csr_matrix:
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


def similarity(
    a: Sequence[str],
    b: Sequence[str],
    *,
    semantic: bool = True,
    mask: np.ndarray | None = None,
    lexical: np.ndarray | None = None,
) -> np.ndarray:
    """Same-content score in [0, 1] for every pair (a[i], b[j]); compare with SAME_CONTENT.

    The lexical TF-IDF cosine (`lexical`, when the caller already has it from
    `similarity(a, b, semantic=False)`); with `semantic`, pairs in the undecided lexical band (and in
    `mask`, when given, to bound the embedding work) score max(lexical, mean(lexical, embedding cosine)).
    """
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)))
    if lexical is None:
        m = tfidf(list(a) + list(b))
        lex = (m[: len(a)] @ m[len(a) :].T).toarray()
    else:
        lex = lexical
    if not semantic:
        return lex
    need = (lex >= _SEMANTIC_BAND[0]) & (lex < _SEMANTIC_BAND[1])
    if mask is not None:
        need &= mask
    if not need.any():
        return lex
    ia = np.flatnonzero(need.any(axis=1))
    ib = np.flatnonzero(need.any(axis=0))
    from ..nlp import embed

    vecs = embed([a[i] for i in ia] + [b[j] for j in ib])
    sem = vecs[: len(ia)] @ vecs[len(ia) :].T
    out = lex.copy()
    block = out[np.ix_(ia, ib)]
    blended = np.maximum(block, (block + sem) / 2)
    out[np.ix_(ia, ib)] = np.where(need[np.ix_(ia, ib)], blended, block)
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
    texts = [s.text for s in sentences]
    others = [c.text for c in candidates]
    mask = lex = None
    if semantic:
        # Embed only the two best lexical candidates per (sentence, other article): the citation is
        # nearly always among them, and the embedding work stays a few sentences per summary sentence.
        lex = similarity(texts, others, semantic=False)
        mask = np.zeros_like(lex, dtype=bool)
        arts = np.array([c.article for c in candidates])
        for art in set(arts):
            cols = np.flatnonzero(arts == art)
            top = cols[np.argsort(-lex[:, cols], axis=1, kind="stable")[:, :CANDIDATES_PER_ARTICLE]]
            # An article whose words already state the sentence (lexical >= threshold) is cited on
            # that evidence; an embedding could only move the citation to a near-equal sentence.
            undecided = lex[:, cols].max(axis=1) < threshold
            mask[np.flatnonzero(undecided)[:, None], top[undecided]] = True
        # A sentence's own article never supports it (see below): embedding those pairs is wasted work.
        mask &= np.array([s.article for s in sentences])[:, None] != arts[None, :]
    scores = similarity(texts, others, semantic=semantic, mask=mask, lexical=lex)
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
