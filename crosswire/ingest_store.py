"""Ingest into the store: new articles are stored and assigned to stories batch by batch.

Each batch commits its articles, their story assignments and the grouping state in one transaction,
so a process killed at any point leaves a store in which every stored article is in exactly one
story, and running the same ingest again stores only what is missing. The grouping state carries a
version number read inside the write transaction: when another process (a second ingest, the web
app) has written in between, the state is reloaded before this batch is assigned, so no writer
overwrites another's assignments.
"""

from __future__ import annotations

from collections.abc import Sequence

from .records import Article, Failure
from .settings import Settings
from .store import Store

GROUP_STATE = "group.stream"
GROUP_VERSION = "group.stream.version"
BATCH = 64  # articles per transaction: small enough that a crash loses little, large enough to be fast


def _version(conn) -> int:
    row = conn.execute("SELECT value FROM state WHERE name = ?", (GROUP_VERSION,)).fetchone()
    return int(bytes(row[0]).decode()) if row else 0


def ingest_articles(store: Store, articles: Sequence[Article], failures: Sequence[Failure], settings: Settings,
                    progress=None):
    """Store articles not stored yet and assign them to stories; returns an IngestResult."""
    from .api import IngestResult
    from .group import StreamGrouper
    from .pipeline import Progress

    progress = progress or Progress()
    grouper = None
    version = -1
    all_failures = list(failures)
    added_ids: list[str] = []
    with progress.task("storing articles", total=len(articles)) as advance:
        for i in range(0, max(len(articles), 1), BATCH):
            batch = list(articles[i : i + BATCH])
            with store.transaction() as conn:
                current = _version(conn)
                if grouper is None or current != version:
                    state = store.load_state(GROUP_STATE)
                    grouper = StreamGrouper.from_state(state, settings) if state else StreamGrouper(settings)
                added, dupes = store.add_articles(conn, batch)
                if added:
                    grouper.add(added)
                    grouping = grouper.grouping()
                    store.replace_grouping(conn, grouping.stories, grouping.storylines)
                    store.save_state(conn, GROUP_STATE, grouper.to_state())
                    version = current + 1
                    store.save_state(conn, GROUP_VERSION, str(version).encode())
                else:
                    version = current
                store.add_failures(conn, [*dupes, *(failures if i == 0 else ())])
            all_failures += dupes
            added_ids += [a.id for a in added]
            advance(len(batch))
    # Report where each new article ended up once the whole input is placed (an early article's story
    # can still be re-split by later ones in the same run).
    story_of, line_of = grouper.assignment() if grouper is not None else ({}, {})
    assignments = tuple((a, story_of.get(a, ""), line_of.get(a)) for a in added_ids)
    return IngestResult(str(store.path), len(added_ids), store.article_count(), tuple(all_failures), assignments)
