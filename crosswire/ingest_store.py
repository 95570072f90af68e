"""Ingest into the store: new articles are stored and assigned to stories batch by batch.

Each batch commits its articles, their story assignments and the grouping state in one transaction,
so a process killed at any point leaves a store in which every stored article is in exactly one
story, and running the same ingest again stores only what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence

from .records import Article, Failure
from .settings import Settings
from .store import Store

GROUP_STATE = "group.stream"
BATCH = 64  # articles per transaction: small enough that a crash loses little, large enough to be fast


def ingest_articles(store: Store, articles: Sequence[Article], failures: Sequence[Failure], settings: Settings,
                    progress=None):
    """Store articles not stored yet and assign them to stories; returns an IngestResult."""
    from .api import IngestResult
    from .group import StreamGrouper
    from .pipeline import Progress

    progress = progress or Progress()
    state = store.load_state(GROUP_STATE)
    grouper = StreamGrouper.from_state(state, settings) if state else StreamGrouper(settings)
    all_failures = list(failures)
    assignments: list[tuple[str, str, str | None]] = []
    added_total = 0
    with progress.task("storing articles", total=len(articles)) as advance:
        for i in range(0, len(articles), BATCH):
            batch = list(articles[i : i + BATCH])
            with store.transaction() as conn:
                added, dupes = store.add_articles(conn, batch)
                if added:
                    assignments += grouper.add(added)
                    grouping = grouper.grouping()
                    store.replace_grouping(conn, grouping.stories, grouping.storylines)
                    store.save_state(conn, GROUP_STATE, grouper.to_state())
                store.add_failures(conn, [*dupes, *(failures if i == 0 else ())])
            all_failures += dupes
            added_total += len(added)
            advance(len(batch))
        if not articles and failures:
            with store.transaction() as conn:
                store.add_failures(conn, failures)
    return IngestResult(str(store.path), added_total, store.article_count(), tuple(all_failures), tuple(assignments))
