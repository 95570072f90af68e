"""Batch grouping: storylines first (what the articles are about), then stories (which occurrence).

1. Storylines: average linkage over zone-weighted TF-IDF cosine of candidate pairs.
2. Stories: inside each storyline, terms shared by the whole storyline say nothing about *which*
   occurrence an article reports, so they are down-weighted (a local IDF over the storyline); what is
   left is the participants, numbers and places that differ between occurrences. Place and date
   clues add or subtract evidence, then a stricter average linkage splits the storyline.
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
from .text import Zones, weighted_terms, zones

# Storyline cut: average cosine at which two groups are the same matter. Chosen on news_cluster
# (storylines) and ECB+ topics together; the F1 curve is flat between ~0.10 and ~0.16.
STORYLINE_THRESHOLD = 0.12
# Story cut inside a storyline, on local-IDF cosine plus event evidence.
STORY_THRESHOLD = 0.10
# Event evidence added to a pair's story similarity (cosine scale 0..1).
SAME_PLACE = 0.15  # the lead puts both events at the same place
OTHER_PLACE = -0.25  # the leads name different places for the main event
OTHER_DATE = -0.6  # event dates more than DATE_SLACK days apart: another occurrence
OTHER_WEEKDAY = -0.1  # different weekday named for the event, no dates to compare (weak: "said Sunday")
DATE_SLACK_DAYS = 3


@dataclass(frozen=True, slots=True)
class Profile:
    """What grouping needs to know about one article."""

    id: str
    published: str | None
    zones: Zones
    terms: dict[str, float]
    clues: EventClues


def profile(article) -> Profile:
    """Zones, weighted terms and event clues of one cleaned article."""
    z = zones(article)
    return Profile(article.id, article.published, z, weighted_terms(z), clues(z, article.published))


def storylines(profiles: Sequence[Profile], space: TermSpace) -> list[int]:
    """Storyline label per profile (label = index of the group's first member)."""
    bags = [p.terms for p in profiles]
    m = space.matrix(bags)
    terms = _terms_by_index(space)
    edges = candidate_pairs(m, terms)
    return average_linkage(len(profiles), edges, STORYLINE_THRESHOLD)


def _terms_by_index(space: TermSpace) -> list[str]:
    terms = [""] * len(space.vocab)
    for t, i in space.vocab.items():
        terms[i] = t
    return terms


def split_storyline(members: Sequence[Profile], space: TermSpace) -> list[int]:
    """Story label (index into members of the story's first member) for each member of one storyline."""
    n = len(members)
    if n == 1:
        return [0]
    m = local_matrix(members, space)
    sims = (m @ m.T).toarray()
    edges = []
    for i in range(n):
        for j in range(i + 1, n):
            s = float(sims[i, j]) + event_evidence(members[i].clues, members[j].clues)
            if s != 0.0:
                edges.append((i, j, s))
    return average_linkage(n, edges, STORY_THRESHOLD)


def local_matrix(members: Sequence[Profile], space: TermSpace) -> sparse.csr_matrix:
    """TF-IDF rows re-weighted by how well each term splits this storyline.

    A term in every member (the storyline's subject) gets weight ~0; a term in about half the members
    is the best splitter. Local weight = log((n + 1) / df_local), times the global IDF.
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
            local = math.log((n + 1.0) / local_df[term])
            rows.append(r)
            cols.append(idx)
            vals.append((1.0 + math.log(max(count, 1.0))) * idf[idx] * local)
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(space.df)), dtype=np.float64)
    return normalize_rows(mat)


def event_evidence(a: EventClues, b: EventClues) -> float:
    """Similarity added (or taken away) by where and when the two leads put their main events."""
    score = 0.0
    if a.places and b.places:
        pa, pb = [x.lower() for x in a.places], [x.lower() for x in b.places]
        if pa[0] in pb or pb[0] in pa:
            score += SAME_PLACE
        elif not set(pa) & set(pb):
            score += OTHER_PLACE
    if a.date is not None and b.date is not None:
        if abs((a.date - b.date).days) > DATE_SLACK_DAYS:
            score += OTHER_DATE
    elif a.weekday is not None and b.weekday is not None and a.weekday != b.weekday:
        score += OTHER_WEEKDAY
    return score
