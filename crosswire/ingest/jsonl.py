"""JSON Lines (one article per line) and JSON records to articles, streamed with bounded memory."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..records import Article, Failure
from .decode import binary_kind
from .html import domain_of

# Field names, preferred first. The aliases are the names news crawlers and datasets actually use:
# news-please (maintext, date_publish, source_domain), NewsAPI (content, publishedAt, source.name),
# Giveme5W1H (dId), plain RSS dumps (link, pubDate).
_ID = ("id", "dId", "doc_id", "article_id", "uuid", "guid")
_TEXT = ("text", "body", "maintext", "content", "article", "description")
_TITLE = ("title", "headline")
_SOURCE = ("source", "source_domain", "outlet", "publisher", "sitename", "site_name")
_URL = ("url", "link")
_PUBLISHED = ("published", "date_publish", "published_at", "publishedAt", "date_published", "pubDate", "date")
_LANGUAGE = ("language", "lang")


def articles_from_records(
    records: Iterable[Any], origin: str, settings: Any, *, id_prefix: str | None = None
) -> Iterator[Article | Failure]:
    """Articles from JSON objects (API bodies, parsed JSON files); bad records become Failures.

    `origin` names where the records came from; each record's origin is `origin:N` (1-based). A record
    without an id gets `<id_prefix>-N` (default: the origin's file stem) so it is still usable.
    """
    prefix = id_prefix if id_prefix is not None else Path(origin).stem or "record"
    for n, record in enumerate(records, start=1):
        yield record_to_article(record, f"{origin}:{n}", f"{prefix}-{n}", settings)


def record_to_article(record: Any, origin: str, fallback_id: str, settings: Any) -> Article | Failure:
    """One JSON object to an Article, or a Failure saying which field is wrong."""
    if not isinstance(record, dict):
        return Failure(origin, f"not a JSON object but {type(record).__name__}")
    text = _first_text(record, _TEXT)
    if text is None:
        return Failure(origin, "no 'text' field (or body/content) with article text")
    max_chars = getattr(settings, "max_article_chars", None)
    if max_chars and len(text) > 4 * max_chars:
        text = text[: 4 * max_chars]  # the cleaner cuts at a paragraph; this only bounds memory
    raw_id = _first(record, _ID)
    article_id = str(raw_id).strip() if raw_id not in (None, "") else fallback_id
    url = _string(_first(record, _URL))
    source = _first(record, _SOURCE)
    if isinstance(source, dict):  # NewsAPI: {"id": ..., "name": ...}
        source = source.get("name") or source.get("id")
    source = _string(source) or domain_of(url)
    return Article(
        id=article_id or fallback_id,
        text=text,
        title=_string(_first(record, _TITLE)),
        source=source,
        published=iso_date(_first(record, _PUBLISHED)),
        url=url,
        origin=origin,
        language=_string(_first(record, _LANGUAGE)),
    )


def read_jsonl(path: Path, settings: Any) -> Iterator[Article | Failure]:
    """Stream a JSONL file line by line; each line is bounded by settings.max_file_bytes."""
    limit = settings.max_file_bytes
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        yield Failure(str(path), "file vanished before it could be read")
        return
    except OSError as exc:
        yield Failure(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        head = fh.read(4096)
        kind = binary_kind(head)
        if kind:
            yield Failure(str(path), f"binary file, not text ({kind})")
            return
        fh.seek(0)
        encoding = "utf-8"
        for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
            if head.startswith(bom):
                encoding = enc
        lines = _text_lines(fh, limit) if encoding == "utf-16" else _byte_lines(fh, limit)
        any_line = False
        for n, line in lines:
            origin = f"{path}:{n}"
            if isinstance(line, IngestError):
                yield Failure(origin, str(line))
                any_line = True
                continue
            if not line.strip():
                continue
            any_line = True
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Failure(origin, f"malformed JSON line: {exc.msg} at column {exc.colno}")
                continue
            except RecursionError:
                yield Failure(origin, "malformed JSON line: nested too deeply")
                continue
            yield record_to_article(record, origin, f"{path.stem}-{n}", settings)
        if not any_line:
            yield Failure(str(path), "empty file")


def _byte_lines(fh: Any, limit: int) -> Iterator[tuple[int, str | IngestError]]:
    n = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        n += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the oversized line in chunks
                raw = fh.readline(1 << 20)
            yield n, IngestError(f"line too long (over max_file_bytes={limit:,} bytes)")
            continue
        if n == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            yield n, raw.decode("utf-8")
        except UnicodeDecodeError:
            # JSON must be UTF-8, but hand-made files are often Windows-1252; no UTF-8 decodes that way.
            yield n, raw.decode("cp1252", errors="replace")


def _text_lines(fh: Any, limit: int) -> Iterator[tuple[int, str | IngestError]]:
    reader = codecs.getreader("utf-16")(fh, errors="replace")
    n = 0
    while True:
        line = reader.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = reader.readline(1 << 20)
            yield n, IngestError(f"line too long (over max_file_bytes={limit:,} characters)")
            continue
        yield n, line


def _first(record: dict, names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _first_text(record: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = "\n".join(value)  # a body given as a list of paragraphs
        if isinstance(value, str) and value.strip():
            return value
    return None


def _string(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def iso_date(value: Any) -> str | None:
    """An ISO 8601 date/datetime string from what a feed or dataset gave, or None if unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:  # epoch seconds (or milliseconds, which are 1000x larger than any plausible seconds)
            seconds = value / 1000 if value > 1e11 else value
            return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        return parsed.date().isoformat() if len(text) <= 10 else parsed.isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None
