"""Same statement, different outlets: link quotes that render one utterance in other words.

Two quotes from different articles are linked when their sentence embeddings are close, or fairly
close when they share content words and are attributed to the same named person; never when both
speakers are known and are different people. Links are pairwise (not closed transitively) so one
loose pair cannot chain unrelated statements together.
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
# moderate one (0.50) links only with a third of the shorter side's content words shared and the
# same named speaker on both sides. Without that last condition, on the 20 largest multi-outlet
# events of Giveme5W1H's news_cluster, 1958 pairs linked on the moderate test alone and a random 12
# of them were all different statements on one topic ("six North Korean shipping companies on the
# sanctions list" / "deal seriously with violators of U.N. sanctions"); 115 of the 1958 had the
# same named speaker, and about half of a sample of those were one statement reworded.
# Known limit: two different remarks of one speaker on one theme can still pass the second test.
STRONG_COSINE = 0.75
WEAK_COSINE = 0.50
MIN_WORD_OVERLAP = 0.30
# ...and at least this many content words shared. A third of a short piece is one or two words, often
# the story's own topic words ("Russia", "affairs"). On the 20 largest events of news_cluster the
# moderate test made 121 links; read by hand, a random 40 of them held 18 renderings of one statement
# and 22 different statements. This condition removes 24 of the 121, in the sample 8 of the 22 wrong
# links and none of the 18 right ones (`python bench/quotes_links.py` reproduces the counts).
MIN_SHARED_WORDS = 3
# Below this many content words a quote ("baseless") is too short to tell statements apart.
MIN_WORDS = 3
# Only segment pairs sharing at least this share of the shorter side's content words are embedded.
# Embedding every quote of a large story was 80% of `brief`'s time; the translated pairs above share a
# third or more of their words, so a fifth keeps them while skipping pairs that have nothing in common.
# The price: a paraphrase sharing under a fifth of its words (cosine >= 0.75 alone) is no longer seen.
CANDIDATE_OVERLAP = 0.20
# At most this many segments embedded per article of the story, taken from the pairs sharing the most
# words: keeps one story's linking to a few seconds however many quotes it holds (the seeds' stories
# stay far below it; a 19-article story would otherwise embed thousands of segments).
SEGMENTS_PER_ARTICLE = 6
# Near-verbatim: four in five content words of the shorter side shared, and at least eight of them
# (short pieces like "we will respond" share most words by chance).
SURE_OVERLAP = 0.80
SURE_WORDS = 8
# Segment pairs embedded per pair of quotes: the best-overlapping two carry the decision.
PAIRS_PER_QUOTES = 2
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
    # a dict, not a set: the segments' order decides ties in the embedding budget and the batches the
    # embedder sees, and a set's order changes with Python's hash seed from run to run
    out = {text: None}
    for piece in pieces:
        out[piece] = None
        out.update((piece[s:e], None) for s, e in split_spans(piece))
    return [p for p in out if len(_words(p)) >= MIN_WORDS]


def link_same_statements(quotes: Sequence[Quote], articles: Sequence[Article] = ()) -> list[Quote]:
    """Copies of `quotes` whose `same_as` lists the indices of the same statement in other articles."""

    quotes = list(quotes)
    links: dict[int, set[int]] = {i: set() for i in range(len(quotes))}
    if len({q.article for q in quotes}) < 2:
        return quotes  # links only join different articles: nothing to embed
    segs = [(i, seg) for i, q in enumerate(quotes) for seg in _segments(q.text)]
    segs = [(i, seg, _words(seg)) for i, seg in segs]
    segs = [s for s in segs if len(s[2]) >= MIN_WORDS]
    pairs = [
        (a, b, shared)
        for a, b, shared in _word_candidates(segs, [quotes[i].article for i, _, _ in segs])
        if _same_speaker_possible(quotes[segs[a][0]], quotes[segs[b][0]])
    ]
    pairs = _unsure(pairs, segs, links)
    if pairs:
        from ..nlp import embed

        budget = SEGMENTS_PER_ARTICLE * len({q.article for q in quotes})
        chosen: set[int] = set()
        kept = []
        for a, b, shared in pairs:
            if len(chosen | {a, b}) > budget:
                continue
            chosen |= {a, b}
            kept.append((a, b, shared))
        needed = sorted(chosen)
        vecs = dict(zip(needed, embed([segs[a][1] for a in needed]), strict=True))
        for a, b, shared in kept:
            i, j = segs[a][0], segs[b][0]
            if i == j or j in links[i]:
                continue
            cos = float(vecs[a] @ vecs[b])
            if cos >= STRONG_COSINE or (
                cos >= WEAK_COSINE
                and shared >= MIN_WORD_OVERLAP
                and len(segs[a][2] & segs[b][2]) >= MIN_SHARED_WORDS
                and _same_person(quotes[i], quotes[j])
            ):
                links[i].add(j)
                links[j].add(i)
    return [replace(q, same_as=tuple(sorted(links[i]))) for i, q in enumerate(quotes)]


def _unsure(pairs, segs, links: dict[int, set[int]]) -> list[tuple[int, int, float]]:
    """Link the near-verbatim pairs on their words; the rest, best first, for the embedding check.

    A pair sharing SURE_OVERLAP of the shorter side's content words, with SURE_WORDS or more of them,
    is one text copied or lightly edited: its cosine would pass WEAK_COSINE anyway, so embedding it
    only spends the budget. Of the other pairs only the PAIRS_PER_QUOTES best segment pairs of each
    quote pair are kept: their other segments are the same text cut differently.
    """
    per_quotes: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    for a, b, shared in sorted(pairs, key=lambda p: -p[2]):
        i, j = segs[a][0], segs[b][0]
        if i == j or j in links[i]:
            continue
        if shared >= SURE_OVERLAP and min(len(segs[a][2]), len(segs[b][2])) >= SURE_WORDS:
            links[i].add(j)
            links[j].add(i)
            continue
        per_quotes.setdefault((min(i, j), max(i, j)), []).append((a, b, shared))
    out = [p for (i, j), found in per_quotes.items() if j not in links[i] for p in found[:PAIRS_PER_QUOTES]]
    return sorted(out, key=lambda p: -p[2])


def _surname(speaker: str | None) -> str | None:
    # Outlets spell first names differently ("Sergei"/"Sergey Lavrov") and add titles; the last word stays.
    words = speaker.split() if speaker else []
    return words[-1].casefold() if words else None


def _same_person(a: Quote, b: Quote) -> bool:
    """Both speakers known and, by surname, the same person."""
    surname = _surname(a.speaker)
    return surname is not None and surname == _surname(b.speaker)


def _same_speaker_possible(a: Quote, b: Quote) -> bool:
    """False when both speakers are known and differ: checked before embedding, as it costs nothing."""
    return not (a.speaker and b.speaker and _surname(a.speaker) != _surname(b.speaker))


def _word_candidates(segs: list[tuple[int, str, set[str]]], article_of: list[str]) -> list[tuple[int, int, float]]:
    """Segment pairs from different articles sharing enough content words: (a, b, shared share)."""
    import numpy as np
    from scipy import sparse

    if len(segs) < 2:
        return []
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for n, (_, _, words) in enumerate(segs):
        for w in words:
            rows.append(n)
            cols.append(vocab.setdefault(w, len(vocab)))
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(segs), len(vocab)))
    common = sparse.triu(m @ m.T, k=1).tocoo()
    sizes = np.array([len(w) for _, _, w in segs])
    out = []
    for a, b, n in zip(common.row, common.col, common.data, strict=True):
        if article_of[a] == article_of[b]:
            continue
        shared = float(n) / min(sizes[a], sizes[b])
        if shared >= CANDIDATE_OVERLAP:
            out.append((int(a), int(b), shared))
    return out
