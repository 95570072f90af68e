"""RSS and Atom feeds to articles: checked with defusedxml first, then parsed by feedparser.

Feeds come from strangers. feedparser is lenient and its XML back end would happily expand entities,
so every feed is first parsed by defusedxml with entity declarations, DTDs with entities and external
references forbidden: a billion-laughs bomb or an XXE feed is refused before feedparser sees it, and
nothing is ever fetched (feedparser is only handed bytes, never a URL).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..records import Article, Failure
from .decode import binary_kind
from .html import domain_of, html_fragment_to_text
from .jsonl import iso_date


def check_xml(data: bytes) -> None:
    """Raise IngestError if `data` is not well-formed XML or declares entities / external references."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise IngestError(f"refused: the XML declares entities or external references ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise IngestError(f"malformed XML: {exc}") from exc


def articles_from_feed(data: bytes, path: Path) -> Iterator[Article | Failure]:
    """Each entry of an RSS/Atom feed as an Article (entry content, else summary)."""
    import feedparser

    kind = binary_kind(data[:4096])
    if kind:
        yield Failure(str(path), f"binary file, not text ({kind})")
        return
    if not data.strip():
        yield Failure(str(path), "empty file")
        return
    try:
        check_xml(data)
    except IngestError as exc:
        yield Failure(str(path), str(exc))
        return
    parsed = feedparser.parse(data)  # bytes, never a URL: feedparser fetches when given a URL string
    entries = parsed.get("entries") or []
    if not entries:
        yield Failure(str(path), "no feed entries found (not an RSS or Atom feed?)")
        return
    feed = parsed.get("feed") or {}
    feed_source = _text(feed.get("title")) or domain_of(feed.get("link"))
    for n, entry in enumerate(entries, start=1):
        origin = f"{path}#{n}"
        text = _entry_text(entry)
        if not text.strip():
            yield Failure(origin, "feed entry has no content or summary")
            continue
        link = _text(entry.get("link"))
        entry_id = _text(entry.get("id")) or link or f"{path.stem}-{n}"
        source = entry.get("source") or {}
        yield Article(
            id=entry_id,
            text=text,
            title=_text(entry.get("title")),
            source=_text(source.get("title")) or feed_source or domain_of(link),
            published=_published(entry),
            url=link,
            origin=origin,
            language=_text(entry.get("language")) or _text(feed.get("language")),
        )


def _entry_text(entry: Any) -> str:
    # Full content beats the summary; among content parts, HTML and plain text are both fine.
    for part in entry.get("content") or []:
        value = part.get("value") or ""
        if value.strip():
            return html_fragment_to_text(value)
    return html_fragment_to_text(entry.get("summary") or entry.get("description") or "")


def _published(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        iso = iso_date(raw) if raw else None
        if iso:
            return iso
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", parsed)
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
