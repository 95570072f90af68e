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
    r"contributed to this report|reporting by|editing by|tweet with a location|"
    # E-mail as a call to action or a form field; "she said in an e-mail" is reporting.
    r"\be-?mail (this|us|me|address|alerts?|updates|newsletters?)\b|^e-?mail\b|"
    r"\bcomments?\b.*\b(below|policy)\b|terms of (use|service)|privacy policy|javascript|"
    r"\bsee more\b|\bwatch:|\bvideo:|listen to|download the|our app\b|"
    # Notices of web archives, which a page fetched through an archive shows instead of the story
    # (12% of Multi-News validation clusters hold one: "donating their crawl data to the Internet Archive").
    r"internet archive|wayback machine|crawl data|\bthese crawls\b|crawls of supported|archive-it\b|web captures?\b|"
    # The page pointing at its own parts ("the video shown here", "below is a timeline"): a summary
    # has no page around it. Not "shown below zero", "seen below average".
    r"\b(?:shown|pictured|embedded) (?:above|below)\b(?! (?:zero|freezing|average|normal|\d))|\b(?:video|clip) shown here\b|"
    r"\bbelow (?:is|are) (?:a|an|the|some)\b|\b(?:video|clip|gallery|slideshow|photos) (?:above|below)\b",
    re.IGNORECASE,
)
# Every match of _BOILERPLATE contains one of these (lower-cased): a substring test on them is about
# thirty times cheaper than the regex, which then only runs on the few sentences that have one.
_BOILERPLATE_HINTS = (
    "http", "www.", ".com", "@", "©", "copyright", "all rights reserved", "click", "subscribe", "sign up",
    "newsletter", "cookie", "advertisement", "share ", "follow ", "read more", "related:", "getty images",
    "photo", "image:", "caption", "contributed to this report", "reporting by", "editing by", "mail",
    "tweet with a location", "comment", "terms of ", "privacy policy", "javascript", "see more", "watch:",
    "video:", "listen to", "download the", "our app", "internet archive", "wayback machine", "crawl data",
    "these crawls", "crawls of supported", "archive-it", "web capture", "above", "below", "shown here",
)


def is_boilerplate(text: str) -> bool:
    """True for page furniture and calls to action (links, share prompts, captions, archive notices)."""
    low = text.casefold()  # as the regex's IGNORECASE folds (a long s matches "s", a Kelvin sign "k")
    return any(h in low for h in _BOILERPLATE_HINTS) and _BOILERPLATE.search(text) is not None


_STAMP = re.compile(r"^(posted|updated|published|written by)\b", re.IGNORECASE)
# "By" opens prose more often than bylines ("By the end of the war", "By Friday, he was tweeting",
# "By 17, he was living on the street"): of the 65 sentences of Multi-News validation that start
# with it, 9 are bylines. A byline is "By" and a name, then an affiliation or a date stamp.
_BY_NAME = re.compile(r"^(?:By|BY|by)\s+[A-Z]")
_BYLINE_MARKS = re.compile(r"[|/]|\b(published|updated|staff|reporter|writer|correspondent|editor)\b", re.IGNORECASE)
_NAME_PARTICLES = frozenset({"and", "of", "the", "for", "at", "in", "de", "van", "von", "da", "la", "le", "el", "al", "bin"})


def is_byline(text: str) -> bool:
    """True for a byline or time stamp ("By Jane Roe, Staff Writer", "Updated at 9:23 a.m.")."""
    if _STAMP.match(text):
        return True
    if not _BY_NAME.match(text):
        return False
    if _BYLINE_MARKS.search(text):
        return True
    words = text.split()[1:]
    # Short, and every word a capitalised name part: "By Sarah Fitzmaurice", not "By Monday, officials
    # had reopened the road."
    return len(words) <= 9 and all(w[:1].isupper() or w in _NAME_PARTICLES for w in words)


_QUOTES = re.compile(r"[\"“”]")
_ENDS_WELL = re.compile(r"[.!…][\"'”’)\]]*$")
_DIGIT = re.compile(r"\d")
# A capitalised word not opening the text or a sentence: a cheap stand-in for a named entity.
_NAME = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+")


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
    if is_byline(text) or is_boilerplate(text):
        return False
    letters = sum(map(str.isalpha, text))
    if not letters or sum(map(str.isupper, text)) > 0.5 * letters:  # SHOUTED headers
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
    # Articles using each content word, as ("word",), and each content-word pair, as ("a", "b"): read by
    # the consensus features here and by the selection's new-information weights.
    spread: dict[tuple[str, ...], int]

    @property
    def one_article(self) -> bool:
        """True when every kept sentence comes from the same article (no cross-document evidence)."""
        return len({s.article for s in self.sentences}) <= 1


FEATURES = (
    "centroid",  # cosine to the story centroid (mean of the article vectors, each article weighted 1)
    "support",  # share of the other articles with a sentence that shares its content (soft)
    "title",  # best cosine to an article title (0 when there are none)
    "lead",  # 1 / (1 + index): news puts the gist first
    "length",  # min(words, 40) / 40: full sentences carry more content words
    "quote",  # share of characters inside quotation marks (opinion colour, rarely in editor summaries)
    "consensus",  # mean share of the story's articles using each of its content words
    "title_terms",  # share of its content words found in some article title (0 when there are none)
    # Evidence only the learned scorer (scoring.LEARNED) reads:
    "relpos",  # index / sentences in its article: how far into the story it sits
    "first",  # 1 for an article's first sentence
    "top3",  # 1 for the first three sentences of an article
    "absidx",  # min(index, 30) / 30: position without the 1/x squeeze of "lead"
    "digits",  # digits per word (counts, dates, money)
    "names",  # capitalised non-initial words per word (who and where)
    "bigram_consensus",  # mean share of the other articles using each of its content-word bigrams
    "short",  # 1 under 15 words
    "long",  # 1 over 35 words
    "content_share",  # content words per word (stop-word-heavy sentences say little)
    "article_centrality",  # cosine of its article to the other articles' centroid (off-topic pages score 0)
)


def candidates(articles: Sequence[Article], sentences: dict[str, Sequence[Sentence]]) -> Candidates:
    """Filter the story's sentences and compute the FEATURES of each kept one."""
    repeats: Counter = Counter((s.article, s.text) for a in articles for s in sentences.get(a.id, ()))
    kept: list[Sentence] = []
    for a in articles:
        for s in sentences.get(a.id, ()):
            if keep(s, repeats):
                kept.append(s)
    n = len(kept)
    if n == 0:
        return Candidates((), None, np.zeros((0, len(FEATURES))), np.zeros(0), {})
    bags = [terms(s.text) for s in kept]
    titles = [terms(a.title) for a in articles if a.title]
    doc_bags: dict[str, list[str]] = {}
    for s, bag in zip(kept, bags, strict=True):
        doc_bags.setdefault(s.article, []).extend(bag)
    # IDF over sentences: in the centroid, a term in every sentence of the story (its name) says less
    # about which sentence to pick than the terms some sentences share and others lack.
    m = tfidf_from_terms(bags + titles + list(doc_bags.values()), docs=bags)
    vec, tvec, dvec = m[:n], m[n : n + len(titles)], m[n + len(titles) :]
    centroid = np.asarray(dvec.mean(axis=0)).ravel()
    cen = vec @ (centroid / (np.linalg.norm(centroid) or 1.0))
    sims = (vec @ vec.T).toarray()
    art = np.array([s.article for s in kept])
    ids = list(dict.fromkeys(art))
    support = np.zeros(n)
    if len(ids) > 1:
        for other in ids:
            best = sims[:, art == other].max(axis=1)
            # Soft share: a sentence restated elsewhere (cos >= 0.5, about align.SAME_CONTENT) counts
            # fully, a partial overlap partly; its own article never counts.
            support += np.where(art == other, 0.0, np.clip(best / 0.5, 0.0, 1.0))
        support /= len(ids) - 1
    title = (vec @ tvec.T).toarray().max(axis=1) if len(titles) else np.zeros(n)
    words = np.array([len(s.text.split()) for s in kept], dtype=float)
    quote = np.array([_quoted_share(s.text) for s in kept])
    lead = np.array([1.0 / (1 + s.index) for s in kept])
    spread = article_spread(bags, art)
    consensus, title_terms = _word_consensus(bags, spread, len(ids), titles)
    index = np.array([s.index for s in kept], dtype=float)
    sizes = np.array([max(len(sentences.get(s.article, ())), 1) for s in kept], dtype=float)
    digits = np.array([len(_DIGIT.findall(s.text)) for s in kept]) / words
    names = np.array([len(_NAME.findall(s.text)) for s in kept]) / words
    content = np.array([len(b) for b in bags]) / words
    feats = np.column_stack([
        cen, support, title, lead, np.minimum(words, 40) / 40, quote, consensus, title_terms,
        index / sizes, index == 0, index < 3, np.minimum(index, 30) / 30, digits, names,
        _bigram_consensus(bags, spread, len(ids)), words < 15, words > 35, content, _article_centrality(dvec, art, list(doc_bags)),
    ]).astype(float)
    return Candidates(tuple(kept), vec, feats, words, spread)


def article_spread(bags: Sequence[Sequence[str]], art: Sequence[str]) -> dict[tuple[str, ...], int]:
    """How many articles use each content word and each pair of adjacent content words.

    `bags` are the sentences' content words (`align.terms`), `art` their articles' ids.
    """
    used: dict[tuple[str, ...], set[str]] = {}
    for bag, a in zip(bags, art, strict=True):
        for unit in (*((t,) for t in bag), *zip(bag, bag[1:], strict=False)):
            used.setdefault(unit, set()).add(a)
    return {unit: len(arts) for unit, arts in used.items()}


def _article_centrality(dvec, art: np.ndarray, order: list[str]) -> np.ndarray:
    """Per sentence: cosine of its article to the mean of the other articles (1 for a lone article)."""
    if len(order) < 2:
        return np.ones(len(art))
    d = dvec.toarray()
    total = d.sum(axis=0)
    cos = {}
    for i, a in enumerate(order):
        rest = total - d[i]
        cos[a] = float(d[i] @ rest) / (np.linalg.norm(rest) or 1.0)
    return np.array([cos[a] for a in art])


def _bigram_consensus(bags: list[list[str]], spread: dict[tuple[str, ...], int], n_articles: int) -> np.ndarray:
    """Per sentence: mean share of the other articles using each of its content-word bigrams.

    Shared word pairs ("interest rates", "Supreme Court") are what ROUGE-2 rewards and what outlets
    reporting the same event repeat; a single shared word is often only the story's topic.
    """
    others = max(n_articles - 1, 1)
    out = np.zeros(len(bags))
    for i, bag in enumerate(bags):
        pairs = set(zip(bag, bag[1:], strict=False))
        if pairs:
            out[i] = sum(spread[p] - 1 for p in pairs) / (len(pairs) * others)
    return out


def _word_consensus(
    bags: list[list[str]], spread: dict[tuple[str, ...], int], n_articles: int, titles: list[list[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence: mean share of articles using each of its words; share of its words in a title.

    Word-level agreement between outlets is what an editor's summary keeps (the event's actors,
    places, numbers), and unlike TF-IDF centroid similarity it does not discount a word for being
    in many sentences of the story.
    """
    in_title = set().union(*map(set, titles)) if titles else set()
    consensus = np.zeros(len(bags))
    title_terms = np.zeros(len(bags))
    for i, bag in enumerate(bags):
        unique = set(bag)
        if unique:
            consensus[i] = sum(spread[(t,)] for t in unique) / (len(unique) * n_articles)
            title_terms[i] = len(unique & in_title) / len(unique)
    return consensus, title_terms


def _quoted_share(text: str) -> float:
    marks = [m.start() for m in _QUOTES.finditer(text)]
    inside = sum(marks[i + 1] - marks[i] for i in range(0, len(marks) - 1, 2))
    return inside / max(len(text), 1)
