"""Finding input files: folders walked recursively in a fixed order, and files read within limits."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import IngestError
from ..records import Failure

TEXT = frozenset({".txt", ".text", ".md", ".markdown"})
HTML = frozenset({".html", ".htm", ".xhtml"})
JSONL = frozenset({".jsonl", ".ndjson"})
JSON = frozenset({".json"})
FEEDS = frozenset({".xml", ".rss", ".atom"})
URLS = frozenset({".urls"})
KNOWN = TEXT | HTML | JSONL | JSON | FEEDS | URLS


def kind_of(path: Path) -> str | None:
    """'text', 'html', 'jsonl', 'json', 'feed' or 'urls' by extension; None for anything else."""
    ext = path.suffix.lower()
    for kind, exts in (("text", TEXT), ("html", HTML), ("jsonl", JSONL), ("json", JSON), ("feed", FEEDS), ("urls", URLS)):
        if ext in exts:
            return kind
    return None


def iter_files(inputs: Iterable[str | Path]) -> Iterator[Path | Failure]:
    """Every readable input file, in a deterministic order; folders are walked recursively.

    Files named explicitly are yielded whatever their extension (the reader reports an unknown one);
    inside folders, hidden entries and unknown extensions are skipped silently. Directories are
    identified by (device, inode), so a symlink loop is entered once and never again.
    """
    seen: set[tuple[int, int]] = set()
    for raw in inputs:
        path = Path(raw)
        try:
            st = path.stat()
        except FileNotFoundError:
            yield Failure(str(path), "no such file or folder")
            continue
        except OSError as exc:
            yield Failure(str(path), f"cannot read: {exc.strerror or exc}")
            continue
        if path.is_dir():
            yield from _walk(path, seen)
        elif path.is_file():
            yield path
        else:
            yield Failure(str(path), f"not a regular file or folder (mode {st.st_mode:o})")


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | Failure]:
    try:
        st = folder.stat()
    except OSError as exc:
        yield Failure(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return  # a symlink loop, or the same folder given twice
    seen.add(key)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Failure(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows symlinks; loops are caught by `seen`
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, seen)
        elif kind_of(path) is not None:
            yield path


def read_limited(path: Path, limit: int) -> bytes:
    """The whole file, or IngestError if it is missing, unreadable or larger than `limit` bytes.

    The size is checked before reading, and the read itself stops at limit + 1 bytes, so a file that
    grows (or lies about its size) is still never loaded whole.
    """
    try:
        size = path.stat().st_size
        if size > limit:
            raise IngestError(f"file too large: {size:,} bytes (limit max_file_bytes={limit:,})")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError as exc:
        if path.is_symlink():
            raise IngestError("broken symbolic link (its target does not exist)") from exc
        raise IngestError("file vanished before it could be read") from exc
    except IsADirectoryError as exc:
        raise IngestError("is a folder, not a file") from exc
    except PermissionError as exc:
        raise IngestError("cannot read: permission denied") from exc
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise IngestError(f"file too large: over {limit:,} bytes (limit max_file_bytes)")
    return data
