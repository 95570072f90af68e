"""Sentences as spans of the cleaned text.

A rule-based splitter: it is about a hundred times faster than spaCy's parser-based boundaries, keeps
exact character offsets, and news prose is regular enough that abbreviations and quotes are the only
hard cases. Every sentence satisfies `text[start:end] == sentence.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .records import Article, Sentence

# Abbreviations after which a period does not end a sentence (lower-cased, without the period).
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen lt col capt sgt st jr sr rev hon pres supt insp det cmdr adm maj
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos vs v etc e.g i.e inc corp ltd co bros dept est approx fig al ft mt ave blvd rd gov't
    u.s u.k u.n e.u d.c u.s.a p.m a.m""".split()
)
# Words that start sentences often enough that "U.S. The ..." should split after the abbreviation.
_STARTERS = frozenset(
    "the a an he she it they we i in on at but and so this that these those there his her their its our "
    "after before when while as if however meanwhile also".split()
)

_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_PARAGRAPH = re.compile(r"\n\s*")
_WINDOW = 64  # characters looked at on each side of a period; no abbreviation or word is longer
_WORD_BEFORE = re.compile(r"([\w.'’-]+)$")


def split_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of `text`, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(text):
        spans.extend(_split_paragraph(text, p_start, p_end))
    return spans


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _PARAGRAPH.finditer(text):
        # A single newline inside a sentence (hard-wrapped text) does not end it.
        # The last visible character before the newline, found without copying the paragraph so far
        # (copying made a long run of hard-wrapped lines quadratic).
        j = m.start() - 1
        while j >= start and text[j].isspace():
            j -= 1
        last = text[j] if j >= start else ""
        after = text[m.end() : m.end() + 1]
        if "\n" not in m.group(0)[1:] and last.islower() and after.islower():
            continue
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def _split_paragraph(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    chunk = text[start:end]
    cut = 0
    for m in _BOUNDARY.finditer(chunk):
        nxt = chunk[m.end() : m.end() + 1]
        if not nxt:
            continue
        if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS or nxt in "-–—•*"):
            continue
        # Bounded windows around the period: slicing to the ends of a long paragraph at every candidate
        # made splitting quadratic (minutes for one 200 KB paragraph).
        before = chunk[max(0, m.start() - _WINDOW) : m.start()]
        if m.group(1) == "." and not m.group(2) and _is_abbreviation(before, chunk[m.end() : m.end() + _WINDOW]):
            continue
        yield from _trimmed(text, start + cut, start + m.end(1) + len(m.group(2)))
        cut = m.end()
    yield from _trimmed(text, start + cut, end)


def _is_abbreviation(before: str, rest: str) -> bool:
    m = _WORD_BEFORE.search(before)
    if not m:
        return False
    word = m.group(1).lower().strip("'’-")
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith"
    if word in _ABBREVIATIONS:
        if "." in word or word in {"u.s", "u.k", "u.n", "e.u", "d.c", "u.s.a", "p.m", "a.m"}:
            following = re.match(r"\W*(\w+)", rest)
            return not (following and following.group(1).lower() in _STARTERS)
        return True
    return False


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def split_article(article: Article) -> list[Sentence]:
    """The article's sentences as spans of its cleaned text."""
    text = article.text
    return [Sentence(article.id, i, s, e, text[s:e]) for i, (s, e) in enumerate(split_spans(text))]
