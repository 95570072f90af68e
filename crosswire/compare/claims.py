"""Claims: what several outlets corroborate, what only one reports, and where they disagree.

1. Align: every sentence against every sentence of the *other outlets* of the story, with the same
   signals as `align.py` (TF-IDF over stemmed content words, raised by MiniLM cosine for paraphrase).
   Only pairs above a lexical prefilter go to the embedder, with a per-story cap, so cost stays flat.
2. Group: greedy, strongest pair first, one sentence per article per claim (so a claim never chains
   through loosely related sentences of one article).
3. Judge each group: *disputed* when two of its sentences give the same kind of figure differently
   (see `numbers.py`) or one denies what the other asserts; otherwise *corroborated* when it spans two
   or more outlets. Sentences no other outlet states become *single-source* candidates, ranked by
   salience (its words are the story's words, it is early, it carries names or figures); only the few
   best are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..furniture import is_post_signature
from ..records import Article, Citation, Claim, Sentence
from . import numbers, salience
from .align import terms, tfidf_from_terms

# Pairs at or above SAME_CONTENT (TF-IDF cosine over stemmed content words, align.py's terms) state the
# same thing without further checks: near-verbatim or close rewrites. On the fixture pairs, different
# facts of one story reach 0.47, so the cut-off is 0.5 (align.py's summary citations may use a lower
# one; a claim needs more certainty than a citation). Pairs between BORDERLINE and that go to the
# embedder: two outlets restating one fact in their own words still share names or content words;
# below 0.2 the fixture pairs are almost all different facts.
BORDERLINE = 0.20
SAME_CONTENT = 0.50
# A borderline pair is aligned when TF-IDF cosine + MiniLM cosine >= ALIGNED_SUM. Neither signal alone
# separates paraphrase from "same story, other fact" on the fixture pairs (giveme5w1h, read by hand):
# MiniLM gives 0.63-0.77 to different facts about the same people, and restatements can share few
# words. Their sum does better: different facts topped out at 1.04, most restatements scored
# 1.0-1.35; 1.0 keeps 20 of 24 restatements for 3 of 20 false matches (see bench/compare.py).
ALIGNED_SUM = 1.0
# Two sentences that give different counts of the same thing are aligned from this TF-IDF cosine on
# (see _align_figures): on the fixture, count discrepancies between outlets score 0.30-0.49.
FIGURES_LEX = 0.30
# Counts from this value up are specific enough that two outlets giving the same one most likely state
# the same fact (below, "two people", "three times" recur across the facts of one story).
SPECIFIC_COUNT = 10
# Embedding is the costly step: MiniLM takes ~15 ms of CPU a sentence here, while the whole briefing
# must stay near 0.1 s an article. So per story at most this many sentences are embedded, those of
# the strongest borderline pairs first (the likeliest restatements); beyond, the pair stays unaligned.
# Measured on the fixture pairs (bench/compare.py --embed-per-article N): same-fact recall 0.31 with
# no embedding (precision 1.0), 0.63 at 4+1 or 4+2 a article (precision 0.93), 0.66 at 16+8.
MAX_EMBEDDED_BASE, MAX_EMBEDDED_PER_ARTICLE, MAX_EMBEDDED = 4, 1, 24
# News puts facts first: at most this many sentences per article are compared.
MAX_SENTENCES_PER_ARTICLE = 40
# Sentences outside these lengths (words) are captions, datelines or run-ons, not claims.
MIN_WORDS, MAX_WORDS = 5, 70
# How many of each kind a reader gets per story.
MAX_CORROBORATED, MAX_DISPUTED, MAX_SINGLE = 8, 5, 3

_DENIAL = re.compile(
    r"\b(?:den(?:y|ied|ies|ying|ial)|reject(?:ed|s)?|refut(?:e|ed|es)|dismiss(?:ed|es)?|rebuff(?:ed)?|"
    r"no such|never happened|not true|false(?:ly)?)\b",
    re.I,
)
# What follows a denial cue when a statement is denied: "deny that ...", "to deny Washington had
# requested ...", "denied the report", "denied the claims"; not "denied bail", "rejected the offer".
_DENIED_CLAUSE = re.compile(
    r"\s+(?:that\b|(?:the\s+|these\s+|such\s+)?(?:claims?|reports?|allegations?|accusations?|charges?)\b|"
    r"(?:[\w'’-]+\s+){1,3}(?:had|has|have|was|were|is|are|would|will|did|could)\b)",
    re.I,
)
_QUOTE_START = tuple("\"“‘'«")


def _outlet(article: Article) -> str:
    return (article.source or "").strip().lower() or f"article:{article.id}"


def _embedding_budget(settings: Any, n_articles: int) -> int:
    """Sentences a story may embed. A `claims_embed_per_article` setting, when the Settings carry one,
    replaces the per-article allowance (0: word overlap and figures only, no embedding model)."""
    per_article = getattr(settings, "claims_embed_per_article", None)
    if per_article is None:
        return min(MAX_EMBEDDED, MAX_EMBEDDED_BASE + MAX_EMBEDDED_PER_ARTICLE * n_articles)
    return 0 if per_article <= 0 else min(MAX_EMBEDDED, MAX_EMBEDDED_BASE + int(per_article) * n_articles)


def _claimable(s: Sentence) -> bool:
    words = len(s.text.split())
    return MIN_WORDS <= words <= MAX_WORDS and not s.text.endswith("?") and not is_post_signature(s.text)


def _narrative(s: Sentence) -> bool:
    """Not mostly a quotation: a quote is a claim when outlets agree on it, but a lone quote is the
    quotes section's business, not a single-source fact."""
    quoted = sum(len(m) for m in re.findall(r"[\"“][^\"”]*[\"”]", s.text))
    return not s.text.startswith(_QUOTE_START) and quoted < 0.5 * len(s.text)


def _scores(pool: list[Sentence], outlet_of: list[str], bags: list[list[str]], cap: int) -> np.ndarray:
    """Same-content score of every cross-outlet pair (0 within an outlet); >= SAME_CONTENT is aligned."""
    m = tfidf_from_terms(bags)
    lex = (m @ m.T).toarray()
    outlets = np.array(outlet_of)
    lex[outlets[:, None] == outlets[None, :]] = 0.0
    np.fill_diagonal(lex, 0.0)
    _align_figures(lex, pool)
    candidates = _borderline_pairs(lex, pool) if cap > 0 else []
    if not candidates:
        return lex
    chosen: dict[int, int] = {}
    pairs = []
    for i, j in candidates:
        new = [x for x in (i, j) if x not in chosen]
        if len(chosen) + len(new) > cap:
            continue
        for x in new:
            chosen[x] = len(chosen)
        pairs.append((i, j))
    if not pairs:
        return lex
    vecs = embed_cached([pool[i].text for i in chosen])
    out = lex.copy()
    for i, j in pairs:
        cos = float(vecs[chosen[i]] @ vecs[chosen[j]])
        if cos + lex[i, j] >= ALIGNED_SUM:
            # Aligned: at least the cut-off, higher for stronger cosine (same scale as align.py).
            out[i, j] = out[j, i] = max(SAME_CONTENT, min(1.0, (cos - 0.35) / 0.5))
    return out


def _align_figures(lex: np.ndarray, pool: list[Sentence]) -> None:
    """Align borderline pairs on their figures, reading each sentence's quantities once:

    * pairs (from FIGURES_LEX) that count the same thing differently ("25 people were injured" /
      "Police say 27 people are injured"): the differing figures themselves lower the word overlap
      and the embedding cosine, so a discrepancy would otherwise rarely be aligned at all. Only counts
      of a named thing (the injured, the dead, people, a boy's age), not bare numbers or money;
    * pairs (from BORDERLINE) that give the same precise figure ("$3.4 million", "103 patients"): two
      outlets restating a fact in their own words keep its figures, and in one story two different
      facts rarely share a sum or a count of ten or more.
    """
    i_idx, j_idx = np.nonzero(np.triu(lex >= BORDERLINE, 1) & np.triu(lex < SAME_CONTENT, 1))
    counts: dict[int, list] = {}
    precise: dict[int, set] = {}
    for i, j in zip(i_idx.tolist(), j_idx.tolist(), strict=True):
        for x in (i, j):
            if x not in counts:
                found = numbers.quantities(pool[x].text)
                counts[x] = [q for q in found if q.kind == "count" and q.unit]
                precise[x] = _specific_figures(found)
        conflict = lex[i, j] >= FIGURES_LEX and counts[i] and counts[j] and numbers.conflicts(counts[i], counts[j])
        if conflict or precise[i] & precise[j]:
            lex[i, j] = lex[j, i] = SAME_CONTENT


def _specific_figures(found: list) -> set[tuple[str, float]]:
    """Figures precise enough to name a fact: sums of money, percentages, counts of ten or more."""
    return {
        (q.kind, q.value)
        for q in found
        if q.kind in ("money", "percent") or (q.kind == "count" and q.value >= SPECIFIC_COUNT)
    }


def _borderline_pairs(lex: np.ndarray, pool: list[Sentence]) -> list[tuple[int, int]]:
    """Borderline pairs worth embedding, strongest first: each sentence's two best partners in every
    other article. An article states a fact once or twice, so this drops the many same-topic pairs
    that would otherwise eat the embedding budget."""
    arts = np.array([s.article for s in pool])
    top: set[tuple[int, int]] = set()
    for art in dict.fromkeys(arts):
        cols = np.flatnonzero(arts == art)
        sub = lex[:, cols]
        best = cols[np.argsort(-sub, axis=1, kind="stable")[:, :2]]
        for i in range(len(pool)):
            if arts[i] != art:
                top.update((i, int(j)) for j in best[i])
    pairs = {(min(i, j), max(i, j)) for i, j in top if BORDERLINE <= lex[i, j] < SAME_CONTENT}
    return sorted(pairs, key=lambda p: -lex[p])


_EMBED_CACHE: dict[str, np.ndarray] = {}


def embed_cached(texts: list[str]) -> np.ndarray:
    """MiniLM vectors of `texts`, each text embedded once per process (claims and timeline share)."""
    from ..nlp import embed

    todo = list(dict.fromkeys(t for t in texts if t not in _EMBED_CACHE))
    if todo:
        if len(_EMBED_CACHE) > 50_000:  # bounded: a long-running server must not grow forever
            _EMBED_CACHE.clear()
        for t, v in zip(todo, embed(todo), strict=True):
            _EMBED_CACHE[t] = v
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_EMBED_CACHE[t] for t in texts])


def _groups(scores: np.ndarray, pool: list[Sentence]) -> list[list[int]]:
    """Greedy grouping of aligned pairs, strongest first, at most one sentence per article a group."""
    i_idx, j_idx = np.nonzero(np.triu(scores >= SAME_CONTENT, 1))
    order = np.argsort(-scores[i_idx, j_idx], kind="stable")
    group_of: dict[int, int] = {}
    groups: list[list[int]] = []
    for k in order:
        i, j = int(i_idx[k]), int(j_idx[k])
        gi, gj = group_of.get(i), group_of.get(j)
        if gi is None and gj is None:
            group_of[i] = group_of[j] = len(groups)
            groups.append([i, j])
        elif gi is not None and gj is not None:
            continue  # both already placed: joining two groups would chain distinct facts
        else:
            g, new = (gi, j) if gi is not None else (gj, i)
            members = groups[g]
            if any(pool[x].article == pool[new].article for x in members):
                continue
            # The newcomer must match most of the group, not only its nearest member.
            if sum(scores[new, x] >= SAME_CONTENT for x in members) * 2 < len(members):
                continue
            members.append(new)
            group_of[new] = g
    return groups


def _cite(s: Sentence) -> Citation:
    return Citation(s.article, s.start, s.end)


def _denies(a: str, b: str) -> bool:
    """`a` denies something `b` asserts: a denial cue in `a` whose following words `b` shares."""
    if _DENIAL.search(b):
        return False
    b_terms = set(terms(b))
    for m in _DENIAL.finditer(a):
        if not _DENIED_CLAUSE.match(a, m.end()):
            continue  # "denied prosecutors' request for ...": a refusal, not a contradiction
        after = set(terms(a[m.end() : m.end() + 80]))
        if len(after & b_terms) >= 1:
            return True
    return False


def _judge(members: list[Sentence], outlet_of: Mapping[str, str]) -> tuple[str, list, list, str | None]:
    """Status, supporting sentences, disputing sentences and a note for one aligned group."""
    qty = {id(s): numbers.quantities(s.text) for s in members}
    notes = []
    for a_i, a in enumerate(members):
        for b in members[a_i + 1 :]:
            if outlet_of[a.article] == outlet_of[b.article]:
                continue
            clash = numbers.conflicts(qty[id(a)], qty[id(b)])
            if clash:
                qa, qb = clash[0]
                note = f"{qa.text!r} vs {qb.text!r}"
                side = [s for s in members if s is not b and not numbers.conflicts(qty[id(s)], qty[id(a)])]
                return "disputed", side, [b], note
            if _denies(a.text, b.text) or _denies(b.text, a.text):
                denier, asserter = (a, b) if _DENIAL.search(a.text) else (b, a)
                return "disputed", [asserter], [denier], "one statement denies what the other asserts"
            note = numbers.reconcile(qty[id(a)], qty[id(b)])
            if note:
                notes.append(note)
    status = "corroborated" if len({outlet_of[s.article] for s in members}) >= 2 else "single-source"
    return status, members, [], notes[0] if notes else None


def _cross_group_disputes(
    scores: np.ndarray, pool: list[Sentence], groups: list[list[int]], outlet_of: Mapping[str, str]
) -> list[Claim]:
    """Aligned pairs the grouping kept apart (one sentence per article a group) can still disagree on a
    figure: an article that says "25 injured" in its lead and "27 injured" later is grouped by its lead."""
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    out = []
    i_idx, j_idx = np.nonzero(np.triu(scores >= SAME_CONTENT, 1))
    for i, j in zip(i_idx.tolist(), j_idx.tolist(), strict=True):
        if group_of.get(i, -1) == group_of.get(j, -2):
            continue
        a, b = pool[i], pool[j]
        clash = numbers.conflicts(numbers.quantities(a.text), numbers.quantities(b.text))
        if clash and outlet_of[a.article] != outlet_of[b.article]:
            note = f"{clash[0][0].text!r} vs {clash[0][1].text!r}"
            out.append(Claim(a.text, "disputed", (_cite(a),), (_cite(b),), note))
    return out


def _distinct_disputes(claims: list[Claim]) -> list[Claim]:
    """Each sentence in at most one dispute: a figure that moved during the day ("at least 50 dead",
    later "59") would otherwise fill the list with every pair of outlets."""
    used: set[Citation] = set()
    out = []
    for c in claims:
        cited = set(c.support + c.dispute)
        if cited & used:
            continue
        used |= cited
        out.append(c)
    return out


def _representative(members: list[int], scores: np.ndarray, pool: list[Sentence]) -> Sentence:
    """The member most like the others (ties: the shorter one, then the earlier one)."""
    best = max(members, key=lambda i: (sum(scores[i, j] for j in members if j != i), -len(pool[i].text), -i))
    return pool[best]


def find_claims(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    settings: Any = None,
    docs: Any = None,
) -> list[Claim]:
    """Corroborated, single-source and disputed claims of one story, each citing whole sentences."""
    outlet_of = {a.id: _outlet(a) for a in articles}
    pool = [
        s
        for a in articles
        for s in list(sentences.get(a.id, ()))[:MAX_SENTENCES_PER_ARTICLE]
        if _claimable(s)
    ]
    if not pool:
        return []
    bags = [terms(s.text) for s in pool]
    outlets = [outlet_of[s.article] for s in pool]
    scores = (
        _scores(pool, outlets, bags, _embedding_budget(settings, len(articles)))
        if len(set(outlets)) > 1
        else np.zeros((len(pool), len(pool)))
    )
    disputed, corroborated = [], []
    grouped: set[int] = set()
    groups = _groups(scores, pool)
    for members in groups:
        grouped.update(members)
        ordered = sorted(members, key=lambda i: (list(outlet_of).index(pool[i].article), pool[i].index))
        status, support, dispute, note = _judge([pool[i] for i in ordered], outlet_of)
        rep = support[0] if status == "disputed" else _representative(members, scores, pool)
        claim = Claim(
            rep.text, status, tuple(_cite(s) for s in support), tuple(_cite(s) for s in dispute), note
        )
        if status == "disputed":
            disputed.append((len(members), claim))
        elif status == "corroborated":
            n_outlets = len({outlets[i] for i in members})
            corroborated.append((n_outlets, -min(pool[i].index for i in members), claim))
    disputed.extend((2, c) for c in _cross_group_disputes(scores, pool, groups, outlet_of))
    disputed.sort(key=lambda t: -t[0])
    corroborated.sort(key=lambda t: (-t[0], -t[1]))
    candidates = [
        i
        for i, (s, bag) in enumerate(zip(pool, bags, strict=True))
        # stated (or nearly) elsewhere, or a quotation: not a single-source fact
        if i not in grouped and bag and _narrative(s) and not (len(scores) and scores[i].max() >= 0.4)
    ]
    singles = [
        Claim(s.text, "single-source", (_cite(s),))
        for s in salience.single_source(
            [pool[i] for i in candidates], [bags[i] for i in candidates], articles
        )
    ]
    return (
        _distinct_disputes([c for _, c in disputed])[:MAX_DISPUTED]
        + [c for _, _, c in corroborated[:MAX_CORROBORATED]]
        + singles[:MAX_SINGLE]
    )


__all__ = ["embed_cached", "find_claims"]
