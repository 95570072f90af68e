"""Extractive multi-document summary of one story, every sentence cited to all articles stating it.

How it works (all in the story's own TF-IDF space, no model load on the scoring path):
1. `features.candidates` drops text that is not story prose and computes per-sentence evidence
   (centroid similarity, cross-article support, title similarity, position, length, quoting,
   how many outlets use its words and word pairs, how on-topic its article is).
2. `scoring.score` turns the evidence into one number: half a hand-weighted score, half a small
   ridge model shipped as JSON (crosswire/models/summary_ridge.json, trained on NeuS train by
   bench/summarize_train.py; numpy inference). A story told by one article has no cross-document
   evidence and is read in the article's own order (`scoring.lead_order`).
3. `select.pick` fills the word budget greedily by score and by the new information a sentence adds
   (word pairs and words that other outlets also use and the summary lacks so far), skipping
   sentences that repeat one already chosen (and, once citations are known, paraphrases of one); the
   summary is ordered by where the story first mentions each sentence.
4. `compare.align` finds, for each chosen sentence, the sentence of every other article that states
   the same content: those are its citations, after the one it was taken from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..records import Article, Citation, Sentence, SummarySentence
from ..settings import Settings
from .features import candidates
from .scoring import score
from .select import cite, pick, restated

VERSION = "summarize.consensus.v6"  # v2: learned half of the score; v3: new-information greedy; v4: refit; v5: one article read in order; v6: page-deixis filter


def summarize(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    words: int,
    settings: Settings,
    *,
    semantic: bool | None = None,
) -> tuple[SummarySentence, ...]:
    """A summary of at most `words` words; each sentence cites its origin first, then its support.

    `sentences` maps article id to the sentences of its cleaned text (from `segment.split_article`).
    `semantic=False` aligns citations on word overlap only (no embedding model: faster, misses
    paraphrase); by default the `summary_semantic_citations` setting decides.
    """
    if semantic is None:
        semantic = settings.summary_semantic_citations
    # Citations only ever point at other articles; a one-article story has no paraphrase to look for.
    semantic = semantic and len(articles) > 1
    if not articles or words <= 0:
        return ()
    cands = candidates(articles, dict(sentences))
    if not cands.sentences:
        return ()
    scores = score(cands)
    chosen = pick(cands, scores, words)
    everything = [s for a in articles for s in sentences.get(a.id, ())]
    support = cite(chosen, everything, semantic=semantic)
    repeats = restated(chosen, support)
    if repeats:  # a paraphrase slipped past the word-overlap check: drop it and refill the budget once
        position = {s: i for i, s in enumerate(cands.sentences)}
        chosen = pick(cands, scores, words, exclude=frozenset(position[chosen[j]] for j in repeats))
        support = cite(chosen, everything, semantic=semantic)
    order = {a.id: i for i, a in enumerate(articles)}
    out = []
    for s, backing in _in_reading_order(chosen, support, sentences, order):
        cites = (Citation(s.article, s.start, s.end),) + tuple(
            Citation(b.article, b.start, b.end) for b in sorted(backing, key=lambda b: order.get(b.article, 0))
        )
        out.append(SummarySentence(s.text, cites))
    return tuple(out)


def _in_reading_order(chosen, support, sentences, order):
    """Chosen sentences ordered by the earliest relative position any article states them at.

    News states the gist first and background later, so "how early in its articles does this fact
    come" is a good reading order; ties keep article order.
    """
    def first_mention(pair):
        s, backing = pair
        spots = [(x.index / max(len(sentences.get(x.article, ())), 1), order.get(x.article, 0)) for x in [s, *backing]]
        return min(spots)

    return sorted(zip(chosen, support, strict=True), key=first_mention)


__all__ = ["VERSION", "summarize"]
