"""Split one topic block into stories: which occurrence does each report describe?

Terms shared by the whole block say nothing about *which* occurrence an article reports, so they are
down-weighted by a local IDF; what is left is the participants, numbers and places that differ
between occurrences. Where and when the leads put the main event add or subtract evidence. Average
linkage cuts the block; a second look re-attaches small fragments, and parts that plain TF-IDF still
sees as one event are merged back.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from .event import EventClues
from .linkage import average_linkage
from .space import TermSpace, normalize_rows

if TYPE_CHECKING:
    from .batch import Profile

# Story cut inside a block, on local-IDF cosine plus event evidence. ECB+ stories score 0.93-0.96
# anywhere in 0.07-0.11; the seeds need >= ~0.07 (their two meetings share most of their words).
STORY_THRESHOLD = 0.08
# Second look: a small fragment joins the bigger story it is closest to on average if that is at
# least this. Below the story cut on purpose; 0.01-0.02 scored within 0.005 on ECB+.
ATTACH_THRESHOLD = 0.02
# Local weight = LOCAL_FLOOR + log((n + 1) / df_in_block). With a floor of 0 a block that is one
# event loses all its shared words and falls apart (ECB+ single events kept whole: 0.74 at 0, 0.89 at
# 0.7); much higher and two occurrences of one kind stop separating (0.93 at 1.2).
LOCAL_FLOOR = 0.7
# Re-merge two parts when their plain TF-IDF between-similarity is >= this share of the lower
# inside-similarity and place/date evidence does not say otherwise (0.8-0.9 all within 0.01).
REMERGE_RATIO = 0.9
SMALL_SHARE = 0.2  # "small" = at most this share of the block; 0.1-0.2 both beat singletons-only
# A fragment of 2+ articles joins a bigger story in the second look only if its plain TF-IDF similarity
# to it is at least this share of that story's own cohesion; below, the fragment agrees with itself far
# more than with the story and is another event on the block's subject (Tiangong-1 falling vs the
# Chang'e moon mission; an Israeli indictment vs settlement funding). Measured on both sets:
# news_cluster storylines 0.908 (no check) / 0.914 at 0.25 / 0.927 at 0.33-0.4 / 0.927 at 0.5;
# ECB+ stories 0.960 / 0.960 / 0.961 / 0.958 (same-event fragments there sit at 0.38-1.2).
FRAGMENT_RATIO = 0.33
# Share of the story similarity from names and numbers of the headline and lead (the rest: all terms).
NAMES_SHARE = 0.3
# Event evidence added to a pair's story similarity (cosine scale 0..1).
SAME_PLACE = 0.03  # the leads put both events at the same place
# Different places weigh little: without a gazetteer "Athens" vs "Greece" or "Brooklyn" vs "East
# Flatbush" look like conflicts (on ECB+ -0.25 cost 0.15 recall); -0.06 parts two meetings whose
# leads put them in different cities at a cost of ~0.01 on ECB+.
OTHER_PLACE = -0.06
# Event dates more than DATE_SLACK_DAYS apart: another occurrence. Only dates anchored on a
# publication date are compared: without one, a date in the text is as often a page stamp or a
# background reference (on ECB+, unanchored date conflicts were 270 same-event pairs to 4 others).
# The slack is wide because follow-up reports of one event run for weeks (ECB+ events span ~6).
OTHER_DATE = -0.3
OTHER_WEEKDAY = -0.02  # another weekday named for the event and no dates (weak: "police said Sunday")
DATE_SLACK_DAYS = 30


def split_block(members: Sequence[Profile], space: TermSpace) -> list[int]:
    """Story label (index into members of the story's first member) for each member of one block."""
    n = len(members)
    if n == 1:
        return [0]
    sims = story_similarity(members, space)
    edges = [(i, j, float(sims[i, j])) for i in range(n) for j in range(i + 1, n) if sims[i, j] != 0.0]
    m = space.matrix([p.terms for p in members])
    plain = (m @ m.T).toarray()
    labels = second_look(average_linkage(n, edges, STORY_THRESHOLD), sims, plain)
    return first_member(remerge(labels, plain, evidence_matrix(members)))


def first_member(labels: list[int]) -> list[int]:
    """Relabel each group by its first member's index (a story is named after its earliest article)."""
    first: dict[int, int] = {}
    for i, g in enumerate(labels):
        first.setdefault(g, i)
    return [first[g] for g in labels]


def remerge(labels: list[int], plain: np.ndarray, evidence: np.ndarray) -> list[int]:
    """Undo splits that the plain (global TF-IDF) similarity does not support.

    Local weighting magnifies small differences, so a single event's reports can come apart. Two
    parts whose plain between-similarity is nearly as high as inside each part (>= REMERGE_RATIO of
    the lower inside average), and whose event evidence does not conflict on average, are one story.
    """
    while True:
        groups: dict[int, list[int]] = {}
        for i, g in enumerate(labels):
            groups.setdefault(g, []).append(i)
        keys = sorted(groups)
        best = None
        for x, a in enumerate(keys):
            for b in keys[x + 1 :]:
                ga, gb = groups[a], groups[b]
                inside = min(_inside(plain, ga), _inside(plain, gb))
                between = float(plain[np.ix_(ga, gb)].mean())
                if inside > 0 and between >= REMERGE_RATIO * inside and float(evidence[np.ix_(ga, gb)].mean()) > 0.5 * OTHER_PLACE:
                    ratio = between / inside
                    if best is None or ratio > best[0]:
                        best = (ratio, a, b)
        if best is None:
            return labels
        _, a, b = best
        labels = [a if g == b else g for g in labels]


def _inside(m: np.ndarray, idx: list[int]) -> float:
    if len(idx) < 2:
        return 0.0
    block = m[np.ix_(idx, idx)]
    return float((block.sum() - np.trace(block)) / (len(idx) * (len(idx) - 1)))


def story_similarity(members: Sequence[Profile], space: TermSpace) -> np.ndarray:
    """Dense n*n similarity for the story split: local terms + local names + event evidence."""
    terms = local_matrix(members, space)
    named = local_names(members)
    sims = (1.0 - NAMES_SHARE) * (terms @ terms.T).toarray() + NAMES_SHARE * (named @ named.T).toarray()
    return sims + evidence_matrix(members)


def evidence_matrix(members: Sequence[Profile]) -> np.ndarray:
    """Pairwise place/date evidence (symmetric, zero diagonal)."""
    n = len(members)
    ev = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            ev[i, j] = ev[j, i] = event_evidence(members[i].clues, members[j].clues)
    return ev


def second_look(labels: list[int], sims: np.ndarray, plain: np.ndarray | None = None) -> list[int]:
    """Let each small story join the bigger story it is closest to on average, if close enough.

    Small = at most SMALL_SHARE of the block (and at least 1 article): a fragment that average
    linkage left apart is more often a short or oddly written report than a separate occurrence.
    """
    groups: dict[int, list[int]] = {}
    for i, g in enumerate(labels):
        groups.setdefault(g, []).append(i)
    small = max(1, int(SMALL_SHARE * len(labels)))
    out = list(labels)
    for g in sorted(groups, key=lambda g: (len(groups[g]), g)):
        members = groups[g]
        if len(members) > small:
            continue
        bigger = [h for h in sorted(groups) if h != g and len(groups[h]) > len(members)]
        if not bigger:
            continue
        best, h = max((float(sims[np.ix_(members, groups[h])].mean()), -h) for h in bigger)
        if best >= ATTACH_THRESHOLD and _same_subject(members, groups[-h], plain):
            for i in members:
                out[i] = -h
            groups[-h].extend(members)
            groups[g] = []
    return out


def _same_subject(part: list[int], story: list[int], plain: np.ndarray | None) -> bool:
    """Is a multi-article fragment about what the story is about, not just the block's subject?

    A fragment of several articles that agree with each other is a story of its own unless its plain
    TF-IDF similarity to the story reaches FRAGMENT_RATIO of the story's own cohesion. A single
    article has no such evidence of its own and is left to the story similarity alone.
    """
    if plain is None or len(part) < 2 or len(story) < 2:
        return True
    return float(plain[np.ix_(part, story)].mean()) >= FRAGMENT_RATIO * _inside(plain, story)


def local_matrix(members: Sequence[Profile], space: TermSpace) -> sparse.csr_matrix:
    """TF-IDF rows re-weighted by how well each term splits this block.

    A term in every member (the block's subject) keeps only the floor weight; a term in about half
    the members is a good splitter. Weight = global IDF * (LOCAL_FLOOR + log((n + 1) / df_local)).
    """
    n = len(members)
    local_df: Counter[str] = Counter()
    for p in members:
        local_df.update(p.terms.keys())
    idf = space.idf()
    rows, cols, vals = [], [], []
    for r, p in enumerate(members):
        for term, count in p.terms.items():
            idx = space.vocab.get(term)
            if idx is None:
                continue
            rows.append(r)
            cols.append(idx)
            vals.append((1.0 + math.log(max(count, 1.0))) * idf[idx] * (LOCAL_FLOOR + math.log((n + 1.0) / local_df[term])))
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(space.df)), dtype=np.float64)
    return normalize_rows(mat)


def local_names(members: Sequence[Profile]) -> sparse.csr_matrix:
    """Names/numbers rows weighted by local IDF only (names shared by the whole block weigh little)."""
    n = len(members)
    df: Counter[str] = Counter()
    for p in members:
        df.update(p.names.keys())
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, p in enumerate(members):
        for name, count in p.names.items():
            rows.append(r)
            cols.append(vocab.setdefault(name, len(vocab)))
            vals.append((1.0 + math.log(max(count, 1.0))) * (LOCAL_FLOOR + math.log((n + 1.0) / df[name])))
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(1, len(vocab))), dtype=np.float64)
    return normalize_rows(mat)


def event_evidence(a: EventClues, b: EventClues) -> float:
    """Similarity added (or taken away) by where and when the two leads put their main events."""
    score = 0.0
    if a.places and b.places:
        pa, pb = [x.lower() for x in a.places], [x.lower() for x in b.places]
        if pa[0] in pb or pb[0] in pa:
            score += SAME_PLACE
        elif not set(pa) & set(pb) and not set(pa[0].split()) & set(pb[0].split()):
            # Neither lead puts anything at the other's main place ("Athens" and "Greece" leads
            # often name both; a Washington meeting's leads never put anyone "in Sochi").
            score += OTHER_PLACE
    if a.date is not None and b.date is not None and a.anchored and b.anchored:
        if abs((a.date - b.date).days) > DATE_SLACK_DAYS:
            score += OTHER_DATE
    elif a.weekday is not None and b.weekday is not None and a.weekday != b.weekday:
        score += OTHER_WEEKDAY
    return score
