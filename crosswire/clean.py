"""Page furniture out of article text: what a web page adds around a story, removed by general rules.

The rules work on paragraphs (lines) because that is how furniture arrives: a scraper keeps each
widget, caption and appeal as its own line. A line is dropped only when it matches a furniture shape
as a whole (short, and made of menu words, an appeal to the reader, a credit); a real sentence that
merely mentions a newsletter or a photo is longer and is kept. Two things are cut inside lines:
related-story links glued to the next sentence, and datelines at the start of the body. Everything
removed is listed in `Article.removed`, so the report can show what was taken out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from . import furniture as F
from .ingest.html import domain_of
from .records import Article, Failure

# Characters that are invisible or spacing-only in news pages: zero-width joiners, BOMs, soft hyphens.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # every Cc character except \t and \n
_SPACES = re.compile(r"[^\S\n]+")
# A line this long is wrapped prose, not a heading, when it is followed by more lines of the same block.
_WRAP_MIN_CHARS = 50
_TERMINAL = tuple(".!?:;\"”’)»…")
# A title is a single line of at most this many words (longest news headlines are ~20 words).
_TITLE_MAX_WORDS = 25
_TITLE_MAX_CHARS = 200


def clean_article(article: Article, settings: Any) -> Article | Failure:
    """A copy of `article` with its body cleaned, its title and outlet set where evident; or a Failure."""
    text = normalize(article.text)
    paragraphs, first_alone = _paragraphs(text)
    removed: list[str] = []
    kept: list[str] = []
    signature: str | None = None
    for para in paragraphs:
        if F.is_furniture_line(para):
            removed.append(para)
            continue
        para, cut, found = F.cut_inline(para)
        removed.extend(cut)
        signature = signature or found
        if para:
            kept.append(para)
    for para in removed:
        signature = signature or F.agency_credit(para)
    # "Followed by a blank line" only counts if the first line survived as it was.
    first_alone = first_alone and bool(kept) and bool(paragraphs) and kept[0] == paragraphs[0]
    kept, title = _take_title(kept, _one_line(article.title), removed, first_alone)
    kept = _strip_dateline(kept, removed)

    body = "\n".join(kept)
    if len(body) > settings.max_article_chars:
        body = _cut(body, settings.max_article_chars)
    if len(body) < settings.min_article_chars or not any(ch.isalpha() for ch in body):
        return Failure(article.origin or article.id, "no article text after cleaning")
    source = _one_line(article.source) or domain_of(article.url) or signature
    return replace(article, text=body, title=title, source=source, removed=tuple(article.removed) + tuple(removed))


def normalize(text: str) -> str:
    """Unicode NFC, newlines as \\n, invisible characters out, runs of spaces collapsed, lines stripped."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROLS.sub(" ", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _paragraphs(text: str) -> tuple[list[str], bool]:
    """The paragraphs, and whether the first one stood alone above a blank line (as titles do)."""
    # With blank lines between blocks, single newlines inside a block are hard wraps of one paragraph
    # (joined) unless the line is short, like a heading or a byline above the text.
    lines = text.split("\n")
    while lines and not lines[0]:
        lines.pop(0)
    if "" not in lines or all(not line for line in lines[lines.index("") :]):
        return [line for line in lines if line], False
    first_alone = lines.index("") == 1
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
            continue
        current = ""
        for part in block:
            if current and len(current) >= _WRAP_MIN_CHARS and not current.endswith(_TERMINAL):
                current += " " + part
            else:
                if current:
                    out.append(current)
                current = part
        if current:
            out.append(current)
        block = []
    return out, first_alone


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(normalize(value).split())
    return value or None


def _key(line: str) -> str:
    return re.sub(r"\W+", " ", line.casefold()).strip()


def _title_like(line: str) -> bool:
    words = line.split()
    return (
        3 <= len(words) <= _TITLE_MAX_WORDS
        and not line.rstrip("\"'”’»)]").endswith((".", "!"))
        and not F.is_timestamp(line)
        and len(line) <= _TITLE_MAX_CHARS
        and not line.endswith((".", ",", ";", ":", "—", "–", "-"))
        and (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘")
        and not F.is_dateline_only(line)
    )


def _take_title(
    paragraphs: list[str], title: str | None, removed: list[str], first_alone: bool
) -> tuple[list[str], str | None]:
    """Drop the title from the top of the body; with no title given, adopt an evident title line."""
    if not paragraphs:
        return paragraphs, title
    if title:
        key = _key(title)
        i = 0
        while i < min(len(paragraphs), 3) and _key(paragraphs[i]) == key and key:
            i += 1
        if i:
            removed.extend(paragraphs[:i])
        return paragraphs[i:], title
    first = paragraphs[0]
    if not _title_like(first):
        return paragraphs, title
    repeated = len(paragraphs) > 1 and _key(paragraphs[1]) == _key(first)
    if repeated:
        removed.extend(paragraphs[:2])
        return _take_title(paragraphs[2:], first, removed, False)
    if first_alone:
        removed.append(first)
        return paragraphs[1:], first
    return paragraphs, title


def _strip_dateline(paragraphs: list[str], removed: list[str]) -> list[str]:
    # A dateline opens the body: either on its own line(s) above the first paragraph, or at the start
    # of that paragraph. Nothing later is touched, so an all-caps phrase inside the story is safe.
    out = list(paragraphs)
    i = 0
    while i < len(out) and F.is_dateline_only(out[i]):
        removed.append(out[i])
        i += 1
    if i < len(out):
        rest, dateline = F.split_dateline(out[i])
        if dateline:
            removed.append(dateline)
            out[i] = rest
    return out[i:] if i else out


def _cut(body: str, limit: int) -> str:
    """The longest prefix of `body` within `limit` characters ending at a paragraph (else sentence) end."""
    head = body[:limit]
    nl = head.rfind("\n")
    if nl >= limit // 2:
        return head[:nl].rstrip()
    stop = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    if stop >= limit // 2:
        return head[: stop + 1]
    return head.rstrip()
