"""Ingest into the store: new articles are stored and assigned to stories batch by batch.

Each batch commits its articles, their story assignments and the grouping state in one transaction,
so a process killed at any point leaves a store in which every stored article is in exactly one
story, and running the same ingest again stores only what is missing. The grouping state carries a
version number read inside the write transaction: when another process (a second ingest, the web
app) has written in between, the state is reloaded before this batch is assigned, so no writer
overwrites another's assignments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .records import Article, Failure
from .settings import Settings
from .store import Store

GROUP_STATE = "group.stream"
GROUP_VERSION = "group.stream.version"
BATCH = 64  # articles per transaction: small enough that a crash loses little, large enough to be fast
# Each commit also rewrites the grouping and its state, which grow with the store: with a fixed batch a
# large ingest would cost O(n^2). So a batch grows to 1/GROWTH of what is stored (up to MAX_BATCH), and
# the total stays O(n log n); a crash still loses at most one batch, which the next run stores again.
GROWTH = 16
MAX_BATCH = 4096


def batch_limit(stored: int) -> int:
    """Articles in the next transaction when `stored` are already in the store."""
    return min(MAX_BATCH, max(BATCH, stored // GROWTH))


def _version(conn) -> int:
    row = conn.execute("SELECT value FROM state WHERE name = ?", (GROUP_VERSION,)).fetchone()
    return int(bytes(row[0]).decode()) if row else 0


def ingest_articles(store: Store, articles: Sequence[Article], failures: Sequence[Failure], settings: Settings,
                    progress=None):
    """Store articles not stored yet and assign them to stories; returns an IngestResult."""
    return ingest_stream(store, [*failures, *articles], settings, progress, total=len(articles))


def ingest_stream(store: Store, items: Iterable[Article | Failure], settings: Settings, progress=None,
                  total: int | None = None):
    """`ingest_articles` over a stream of prepared items: a batch is committed as soon as it is full,
    so memory holds one batch (and the grouping index), not the whole input."""
    from .api import IngestResult
    from .pipeline import Progress

    progress = progress or Progress()
    writer = _BatchWriter(store, settings)
    articles: list[Article] = []
    failures: list[Failure] = []
    limit = batch_limit(store.article_count())
    with progress.task("storing articles", total=total) as advance:
        for item in items:
            if isinstance(item, Failure):
                failures.append(item)
                continue
            articles.append(item)
            if len(articles) >= limit:
                writer.commit(articles, failures)
                advance(len(articles))
                articles, failures = [], []
                limit = batch_limit(store.article_count())
        if articles or failures or writer.grouper is None:  # an empty input still records its run
            writer.commit(articles, failures)
            advance(len(articles))
    # Report where each new article ended up once the whole input is placed (an early article's story
    # can still be re-split by later ones in the same run).
    grouper = writer.grouper
    story_of, line_of = grouper.assignment() if grouper is not None else ({}, {})
    assignments = tuple((a, story_of.get(a, ""), line_of.get(a)) for a in writer.added_ids)
    return IngestResult(str(store.path), len(writer.added_ids), store.article_count(), tuple(writer.failures),
                        assignments)


class _BatchWriter:
    """Commits one batch: its articles, their story assignments, the grouping state and its failures."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings
        self.grouper = None
        self.version = -1
        self.failures: list[Failure] = []
        self.added_ids: list[str] = []

    def commit(self, batch: list[Article], failures: list[Failure]) -> None:
        from .group import StreamGrouper

        store = self.store
        with store.transaction() as conn:
            current = _version(conn)
            if self.grouper is None or current != self.version:
                state = store.load_state(GROUP_STATE)
                self.grouper = StreamGrouper.from_state(state, self.settings) if state else StreamGrouper(self.settings)
            added, dupes = store.add_articles(conn, batch)
            if added:
                self.grouper.add(added)
                grouping = self.grouper.grouping()
                store.replace_grouping(conn, grouping.stories, grouping.storylines)
                store.save_state(conn, GROUP_STATE, self.grouper.to_state())
                self.version = current + 1
                store.save_state(conn, GROUP_VERSION, str(self.version).encode())
            else:
                self.version = current
            store.add_failures(conn, [*dupes, *failures])
        self.failures += [*failures, *dupes]
        self.added_ids += [a.id for a in added]
