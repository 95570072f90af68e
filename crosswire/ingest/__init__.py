"""Ingest: any mix of files and folders to raw Articles, one reader per format; bad input -> Failure.

The articles carry the raw text as read (for HTML: trafilatura's main text); `crosswire.clean` takes
the page furniture out afterwards. Nothing here raises for a bad input: each one becomes a Failure
with the input and a reason a person can act on, and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..records import Article, Failure
from .decode import decode_bytes
from .feeds import articles_from_feed
from .files import KNOWN, iter_files, kind_of, read_limited
from .html import article_from_html, domain_of
from .jsonl import articles_from_records, read_jsonl
from .urls import articles_from_url_list

__all__ = ["articles_from_records", "read_inputs", "read_file", "domain_of"]

_URL_LINE = re.compile(r"(?i)^https?://\S+$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_LINK = re.compile(r"!?\[([^\]\n]{0,500})\]\([^)\s]{0,2000}(?:\s+\"[^\"\n]*\")?\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def read_inputs(inputs: Iterable[str | Path], settings: Any) -> Iterator[Article | Failure]:
    """Every article in the given files and folders (recursively, in sorted order), or a Failure."""
    for item in iter_files(inputs):
        if isinstance(item, Failure):
            yield item
        else:
            yield from read_file(item, settings)


def read_file(path: Path, settings: Any) -> Iterator[Article | Failure]:
    """The articles of one file, chosen by its extension; never raises for bad content."""
    kind = kind_of(path)
    if kind is None:
        known = ", ".join(sorted(KNOWN))
        yield Failure(str(path), f"unsupported file type {path.suffix or '(no extension)'!r} (expected {known})")
        return
    if kind == "jsonl":
        yield from read_jsonl(path, settings)
        return
    try:
        data = read_limited(path, settings.max_file_bytes)
        if kind == "feed":
            yield from articles_from_feed(data, path)
            return
        text = decode_bytes(data)
        del data
        if kind == "urls":
            yield from articles_from_url_list(text, path, settings)
        elif kind == "json":
            yield from _from_json(text, path, settings)
        elif kind == "html":
            yield article_from_html(text, path.stem, str(path))
        else:
            yield _from_text(text, path)
    except IngestError as exc:
        yield Failure(str(path), str(exc))


def _from_text(text: str, path: Path) -> Article:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and all(_URL_LINE.match(line) for line in lines):
        # Fetching is never implied by a .txt file; the user opts in by naming the list .urls.
        raise IngestError("a list of URLs, not an article (rename the file to .urls to fetch them)")
    title = None
    if path.suffix.lower() in {".md", ".markdown"}:
        text, title = _markdown_to_text(text)
    return Article(id=path.stem, text=text, title=title, origin=str(path))


def _markdown_to_text(text: str) -> tuple[str, str | None]:
    # Just enough Markdown to read articles saved as .md: a leading "# Title", links, bold.
    lines = text.splitlines()
    title = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if line.lstrip().startswith("# "):
            title = line.strip()[2:].strip() or None
            lines = lines[:i] + lines[i + 1 :]
        break
    body = "\n".join(_MD_HEADING.sub("", line) for line in lines)
    body = _MD_LINK.sub(r"\1", body)
    body = _MD_EMPHASIS.sub(r"\2", body)
    return body, title


def _from_json(text: str, path: Path, settings: Any) -> Iterator[Article | Failure]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise IngestError(f"malformed JSON: {getattr(exc, 'msg', 'nested too deeply')}") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]  # crosswire's own JSON output, or an API dump
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise IngestError("JSON is neither an article object nor a list of them")
    if not data:
        raise IngestError("JSON holds no articles")
    yield from articles_from_records(data, str(path), settings, id_prefix=path.stem)
