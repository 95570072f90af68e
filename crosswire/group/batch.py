"""Batch grouping in three steps: topic blocks, stories inside each block, storylines over stories.

1. Blocks: a loose average linkage over zone-weighted TF-IDF cosine of candidate pairs gathers
   everything on one subject (two earthquakes in one region land in one block).
2. Stories: inside a block, terms shared by the whole block say nothing about *which* occurrence an
   article reports, so they are down-weighted (a local IDF); what is left is the participants,
   numbers and places that differ between occurrences. Place and date clues add or subtract
   evidence, then average linkage splits the block; a second look re-attaches small fragments.
3. Storylines: average linkage again, now from the stories, at the stricter storyline cut, so a
   story never straddles two storylines.
Splitting a loose block works better than splitting tight storylines: a tight storyline is often one
event already, and looking for two occurrences inside one cuts it (ECB+ stories 0.938 -> 0.96).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .event import EventClues, clues
from .linkage import average_linkage
from .space import TermSpace, candidate_pairs, normalize_rows
from .text import Zones, names, weighted_terms, zones

# Storyline cut: average cosine at which two groups are the same matter. Chosen on news_cluster
# (storylines) and ECB+ topics together; news_cluster F1 is 0.89-0.92 between 0.10 and 0.16.
STORYLINE_THRESHOLD = 0.12
# Block cut: looser, so that both occurrences of one kind of event share a block to be split.
# ECB+ stories: 0.938 at 0.10, 0.951 at 0.08, 0.962 at 0.06.
BLOCK_THRESHOLD = 0.06
# Largest block split as a whole (articles); the development sets' blocks stay under ~60.
BLOCK_MAX = 400
# (A soft publication-gap penalty on storyline edges was tried: +0.004 on news_cluster at best, and
# it works against storylines that run for months, so it is not used.)
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
SMALL_SHARE = 0.2  # "small" = at most this share of the storyline; 0.1-0.2 both beat singletons-only
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


@dataclass(frozen=True, slots=True)
class Profile:
    """What grouping needs to know about one article."""

    id: str
    published: str | None
    zones: Zones
    terms: dict[str, float]
    names: dict[str, float]
    clues: EventClues


def profile(article) -> Profile:
    """Zones, weighted terms, names and event clues of one cleaned article."""
    z = zones(article)
    kept = Zones(z.headline, z.lead, "")  # the body is only needed for its terms; keep memory flat
    return Profile(article.id, article.published, kept, weighted_terms(z), names(z), clues(z, article.published))


def blocks(profiles: Sequence[Profile], space: TermSpace) -> tuple[list[int], list[tuple[int, int, float]]]:
    """Block label per profile (index of the block's first member), and the candidate edges used."""
    m = space.matrix([p.terms for p in profiles])
    edges = candidate_pairs(m, space.terms)
    return _bounded(len(profiles), edges, BLOCK_THRESHOLD), edges


def _bounded(n: int, edges: Sequence[tuple[int, int, float]], cut: float) -> list[int]:
    """Average linkage at `cut`; blocks over BLOCK_MAX are re-cut tighter until they fit.

    The story split is quadratic in a block's size; at 100k articles a loose cut can chain
    thousands of same-kind reports together, so big blocks are cut again at a stricter level.
    """
    labels = average_linkage(n, edges, cut)
    sizes = Counter(labels)
    big = {label for label, size in sizes.items() if size > BLOCK_MAX}
    if not big or cut >= 1.0:
        return labels
    inside = [i for i in range(n) if labels[i] in big]
    local = {i: k for k, i in enumerate(inside)}
    sub_edges = [(local[i], local[j], s) for i, j, s in edges if i in local and j in local and labels[i] == labels[j]]
    sub = _bounded(len(inside), sub_edges, cut * 2 if cut > 0 else 0.1)
    for k, i in enumerate(inside):
        labels[i] = inside[sub[k]]
    return labels


def storylines(story_of: Sequence[int], edges: Sequence[tuple[int, int, float]]) -> dict[int, int]:
    """Storyline per story: average linkage over stories, from the article edges between them.

    `story_of[i]` is the story (label = its first article's index) of article i. Returns story label
    -> storyline label (the first story's label, i.e. the storyline's earliest article).
    """
    labels = sorted(set(story_of))
    node = {label: k for k, label in enumerate(labels)}
    sizes = [0] * len(labels)
    for label in story_of:
        sizes[node[label]] += 1
    sums: dict[tuple[int, int], float] = {}
    for i, j, s in edges:
        a, b = node[story_of[i]], node[story_of[j]]
        if a != b:
            key = (a, b) if a < b else (b, a)
            sums[key] = sums.get(key, 0.0) + s
    merged = average_linkage(len(labels), [(a, b, s) for (a, b), s in sorted(sums.items())], STORYLINE_THRESHOLD, sizes)
    return {labels[k]: labels[m] for k, m in enumerate(merged)}


def split_storyline(members: Sequence[Profile], space: TermSpace) -> list[int]:
    """Story label (index into members of the story's first member) for each member of one storyline."""
    n = len(members)
    if n == 1:
        return [0]
    sims = story_similarity(members, space)
    edges = [(i, j, float(sims[i, j])) for i in range(n) for j in range(i + 1, n) if sims[i, j] != 0.0]
    labels = second_look(average_linkage(n, edges, STORY_THRESHOLD), sims)
    m = space.matrix([p.terms for p in members])
    return first_member(remerge(labels, (m @ m.T).toarray(), evidence_matrix(members)))


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


def second_look(labels: list[int], sims: np.ndarray) -> list[int]:
    """Let each small story join the bigger story it is closest to on average, if close enough.

    Small = at most SMALL_SHARE of the storyline (and at least 1 article): a fragment that average
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
        if best >= ATTACH_THRESHOLD:
            for i in members:
                out[i] = -h
            groups[-h].extend(members)
            groups[g] = []
    return out


def local_matrix(members: Sequence[Profile], space: TermSpace) -> sparse.csr_matrix:
    """TF-IDF rows re-weighted by how well each term splits this storyline.

    A term in every member (the storyline's subject) gets weight 0; a term in about half the members
    is a good splitter. Local weight = log((n + 1) / df_local), times the global IDF.
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
    """Names/numbers rows weighted by local IDF only (names shared by the whole storyline weigh 0)."""
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
