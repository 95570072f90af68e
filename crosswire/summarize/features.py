"""Per-sentence evidence for the summarizer: filters for non-story text, and scoring features.

Everything is computed in one TF-IDF space over the story's own sentences (no model load), so a
story of a few hundred sentences is scored in milliseconds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..compare.align import terms, tfidf_from_terms
from ..records import Article, Sentence

# Sentences shorter than this are headlines, captions, datelines or fragments ("Long Story Short").
MIN_WORDS = 6
# Longer than this is nearly always several sentences glued by a splitting miss, or a list.
MAX_WORDS = 70
# Page furniture and calls to action: these never belong in a summary of the story.
_BOILERPLATE = re.compile(
    r"https?://|www\.|\.com\b|@\w|©|\bcopyright\b|all rights reserved|\bclick\b|\bsubscribe|sign up|"
    r"newsletter|cookies?\b|advertisement|\bshare (this|on)\b|follow (us|him|her|me)\b|read more|"
    r"related:|getty images|\bphoto(graph)?s?:|\bimage:|\bcaption\b|\(ap photo|\bfile photo\b|"
    r"contributed to this report|reporting by|editing by|\be-?mail\b|tweet with a location|"
    r"\bcomments?\b.*\b(below|policy)\b|terms of (use|service)|privacy policy|javascript|"
    r"\bsee more\b|\bwatch:|\bvideo:|listen to|download the|our app\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(by|posted|updated|published|written by)\b", re.IGNORECASE)
_QUOTES = re.compile(r"[\"“”]")
_ENDS_WELL = re.compile(r"[.!…][\"'”’)\]]*$")


def keep(sentence: Sentence, repeats: Counter[str]) -> bool:
    """False for text that is not story prose: questions, fragments, bylines, captions, furniture."""
    text = sentence.text
    n = len(text.split())
    if n < MIN_WORDS or n > MAX_WORDS:
        return False
    if not _ENDS_WELL.search(text):  # questions ("?"), headlines and captions without a full stop
        return False
    first = text.lstrip("\"'“‘([-–—•* ")[:1]
    if not first or first.islower():  # a split in mid-sentence
        return False
    if _BYLINE.match(text) or _BOILERPLATE.search(text):
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) > 0.5 * len(letters):  # SHOUTED headers
        return False
    # The same sentence twice in one article is furniture (repeated titles, share widgets).
    return repeats[(sentence.article, text)] <= 1


@dataclass(frozen=True, slots=True)
class Candidates:
    """The story's kept sentences with their TF-IDF vectors and feature matrix."""

    sentences: tuple[Sentence, ...]
    vectors: object  # scipy CSR, rows L2-normalized
    features: np.ndarray  # shape (n, len(FEATURES))
    words: np.ndarray  # word count per sentence


FEATURES = (
    "centroid",  # cosine to the story centroid (mean of the article vectors, each article weighted 1)
    "support",  # share of the other articles with a sentence that shares its content (soft)
    "title",  # best cosine to an article title (0 when there are none)
    "lead",  # 1 / (1 + index): news puts the gist first
    "first",  # 1 for an article's first kept sentence
    "relpos",  # index / sentence count of the article
    "length",  # min(words, 40) / 40: full sentences carry more content words
    "quote",  # share of characters inside quotation marks (opinion colour, rarely in editor summaries)
    "digits",  # has a number (dates, counts, money: facts editors keep)
    "centroid_rank",  # centroid rank in the story, as a fraction (1 = best), comparable across sizes
    "support_rank",
)


def candidates(articles: Sequence[Article], sentences: dict[str, Sequence[Sentence]]) -> Candidates:
    """Filter the story's sentences and compute the FEATURES of each kept one."""
    repeats: Counter = Counter((s.article, s.text) for a in articles for s in sentences.get(a.id, ()))
    kept: list[Sentence] = []
    relpos: list[float] = []
    firsts: list[float] = []
    for a in articles:
        sents = list(sentences.get(a.id, ()))
        seen_first = False
        for s in sents:
            if keep(s, repeats):
                kept.append(s)
                relpos.append(s.index / max(len(sents), 1))
                firsts.append(0.0 if seen_first else 1.0)
                seen_first = True
    n = len(kept)
    if n == 0:
        return Candidates((), None, np.zeros((0, len(FEATURES))), np.zeros(0))
    bags = [terms(s.text) for s in kept]
    titles = [terms(a.title) for a in articles if a.title]
    doc_bags: dict[str, list[str]] = {}
    for s, bag in zip(kept, bags, strict=True):
        doc_bags.setdefault(s.article, []).extend(bag)
    # IDF over sentences: a term in every sentence of the story (its name) is not what sets one apart.
    m = tfidf_from_terms(bags + titles + list(doc_bags.values()), docs=bags)
    vec, tvec, dvec = m[:n], m[n : n + len(titles)], m[n + len(titles) :]
    centroid = np.asarray(dvec.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid) or 1.0
    cen = vec @ (centroid / norm)
    sims = (vec @ vec.T).toarray()
    art = np.array([s.article for s in kept])
    ids = list(dict.fromkeys(art))
    support = np.zeros(n)
    if len(ids) > 1:
        for other in ids:
            mask = art == other
            best = sims[:, mask].max(axis=1)
            # Soft share: a sentence restated elsewhere (cos >= 0.5, see align.SAME_CONTENT) counts
            # fully, a partial overlap partly; its own article never counts.
            support += np.where(art == other, 0.0, np.clip(best / 0.5, 0.0, 1.0))
        support /= len(ids) - 1
    title = (vec @ tvec.T).toarray().max(axis=1) if len(titles) else np.zeros(n)
    words = np.array([len(s.text.split()) for s in kept], dtype=float)
    quote = np.array([_quoted_share(s.text) for s in kept])
    digits = np.array([1.0 if re.search(r"\d", s.text) else 0.0 for s in kept])
    lead = np.array([1.0 / (1 + s.index) for s in kept])
    feats = np.column_stack(
        [cen, support, title, lead, np.array(firsts), np.array(relpos), np.minimum(words, 40) / 40, quote, digits,
         _rank(cen), _rank(support)]
    )
    return Candidates(tuple(kept), vec, feats, words)


def _rank(x: np.ndarray) -> np.ndarray:
    if len(x) < 2:
        return np.ones_like(x)
    order = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    return order / (len(x) - 1)


def _quoted_share(text: str) -> float:
    marks = [m.start() for m in _QUOTES.finditer(text)]
    inside = sum(marks[i + 1] - marks[i] for i in range(0, len(marks) - 1, 2))
    return inside / max(len(text), 1)
