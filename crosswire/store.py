"""The embedded store: articles, their cleaned text, stories and stage results, in one SQLite file.

Writes happen in transactions that leave the file consistent at every commit (WAL journal), so a
process killed mid-ingest loses at most the batch it was writing, never what was committed before.
An article is stored once per content: the key is a hash of its cleaned, whitespace-folded text.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import StoreError
from .records import Article, Failure, Story, Storyline

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    source TEXT, title TEXT, published TEXT, url TEXT, origin TEXT, language TEXT,
    removed TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (input TEXT NOT NULL, reason TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, place TEXT, storyline TEXT
);
CREATE TABLE IF NOT EXISTS story_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles(id), story_id TEXT NOT NULL REFERENCES stories(id)
);
CREATE INDEX IF NOT EXISTS story_articles_story ON story_articles(story_id);
CREATE TABLE IF NOT EXISTS storylines (id TEXT PRIMARY KEY, title TEXT NOT NULL, stories TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    story_id TEXT NOT NULL, stage TEXT NOT NULL, fingerprint TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (story_id, stage)
);
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


def content_hash(text: str) -> str:
    """Hash of the whitespace-folded text: the same article under another id or layout hashes alike."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class Store:
    """A SQLite-backed store. One instance per file; safe to share between threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(_SCHEMA)
            self._conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self._lock = threading.RLock()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything inside commits together or not at all."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    # -- articles -------------------------------------------------------------------------------
    def add_articles(self, conn: sqlite3.Connection, articles: Iterable[Article]) -> tuple[list[Article], list[Failure]]:
        """Insert articles not stored yet (inside a transaction); duplicates become Failures."""
        added: list[Article] = []
        dupes: list[Failure] = []
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
        for article in articles:
            digest = content_hash(article.text)
            row = conn.execute(
                "SELECT id FROM articles WHERE content_hash = ? OR id = ?", (digest, article.id)
            ).fetchone()
            if row is not None:
                if row[0] != article.id:
                    dupes.append(Failure(article.origin or article.id, f"duplicate of stored article {row[0]!r} (same text)"))
                else:
                    same = conn.execute("SELECT 1 FROM articles WHERE id = ? AND content_hash = ?", (article.id, digest)).fetchone()
                    if not same:
                        dupes.append(Failure(article.origin or article.id, f"article id {article.id!r} is already stored with other text"))
                continue
            seq += 1
            conn.execute(
                "INSERT INTO articles(id, content_hash, source, title, published, url, origin, language, removed, text, seq)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id, digest, article.source, article.title, article.published, article.url,
                    article.origin, article.language, json.dumps(list(article.removed)), article.text, seq,
                ),
            )
            added.append(article)
        return added, dupes

    def add_failures(self, conn: sqlite3.Connection, failures: Iterable[Failure]) -> None:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM failures").fetchone()[0]
        for i, f in enumerate(failures, 1):
            conn.execute("INSERT INTO failures(input, reason, seq) VALUES (?,?,?)", (f.input, f.reason, seq + i))

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Stored articles in insertion order (all, or the given ids)."""
        cols = "id, text, title, source, published, url, origin, language, removed"
        with self._lock:
            if ids is None:
                rows = self._conn.execute(f"SELECT {cols} FROM articles ORDER BY seq").fetchall()
            else:
                rows = []
                for chunk in _chunks(list(ids), 500):
                    marks = ",".join("?" * len(chunk))
                    rows += self._conn.execute(f"SELECT {cols} FROM articles WHERE id IN ({marks})", chunk).fetchall()
                order = {i: n for n, i in enumerate(ids)}
                rows.sort(key=lambda r: order[r[0]])
        return [
            Article(id=r[0], text=r[1], title=r[2], source=r[3], published=r[4], url=r[5], origin=r[6] or "",
                    language=r[7], removed=tuple(json.loads(r[8])))
            for r in rows
        ]

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def article_count(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def failures(self) -> list[Failure]:
        with self._lock:
            rows = self._conn.execute("SELECT input, reason FROM failures ORDER BY seq").fetchall()
        return [Failure(*r) for r in rows]

    # -- stories --------------------------------------------------------------------------------
    def replace_grouping(self, conn: sqlite3.Connection, stories: Sequence[Story], storylines: Sequence[Storyline]) -> None:
        """Store the stories and storylines as they now are (inside a transaction)."""
        conn.execute("DELETE FROM story_articles")
        conn.execute("DELETE FROM stories")
        conn.execute("DELETE FROM storylines")
        for s in stories:
            conn.execute(
                "INSERT INTO stories(id, title, date, place, storyline) VALUES (?,?,?,?,?)",
                (s.id, s.title, s.date, s.place, s.storyline),
            )
            conn.executemany(
                "INSERT INTO story_articles(article_id, story_id) VALUES (?,?)", [(a, s.id) for a in s.articles]
            )
        for line in storylines:
            conn.execute(
                "INSERT INTO storylines(id, title, stories) VALUES (?,?,?)", (line.id, line.title, json.dumps(list(line.stories)))
            )

    def stories(self) -> list[Story]:
        """Stored stories (without their briefing parts), newest event first."""
        with self._lock:
            rows = self._conn.execute("SELECT id, title, date, place, storyline FROM stories").fetchall()
            members: dict[str, list[str]] = {}
            for article_id, story_id in self._conn.execute(
                "SELECT sa.article_id, sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id ORDER BY a.seq"
            ):
                members.setdefault(story_id, []).append(article_id)
        stories = [
            Story(id=r[0], title=r[1], articles=tuple(members.get(r[0], ())), date=r[2], place=r[3], storyline=r[4])
            for r in rows
        ]
        stories.sort(key=lambda s: (s.date or "", s.id), reverse=True)
        return stories

    def storylines(self) -> list[Storyline]:
        with self._lock:
            rows = self._conn.execute("SELECT id, title, stories FROM storylines ORDER BY id").fetchall()
        return [Storyline(r[0], r[1], tuple(json.loads(r[2]))) for r in rows]

    # -- cached stage results and grouping state ------------------------------------------------
    def save_result(self, story_id: str, stage: str, fingerprint: str, value: Any) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO results(story_id, stage, fingerprint, value) VALUES (?,?,?,?)",
                (story_id, stage, fingerprint, json.dumps(value)),
            )

    def load_result(self, story_id: str, stage: str, fingerprint: str) -> Any | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM results WHERE story_id = ? AND stage = ? AND fingerprint = ?", (story_id, stage, fingerprint)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def save_state(self, conn: sqlite3.Connection, name: str, value: bytes) -> None:
        conn.execute("INSERT OR REPLACE INTO state(name, value) VALUES (?,?)", (name, value))

    def load_state(self, name: str) -> bytes | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM state WHERE name = ?", (name,)).fetchone()
        return bytes(row[0]) if row else None


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
