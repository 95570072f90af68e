"""The web app's view of one store: cached article lookups, story analysis, and serialized ingest."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import Article, Failure, Story, Storyline
from ..report.names import NameVariant, storyline_name_variants
from ..settings import Settings
from ..store import Store
from .views import StoryRow, matches, story_rows

log = logging.getLogger("crosswire.web")
# Analysed stories kept in memory; the store keeps them all, this only skips its lookups and the wait
# behind a running analysis. A few hundred analyses are a few MB.
MEMO_STORIES = 256
# Storylines one page view may queue for background analysis (for their name variants), newest
# first; later views queue the rest. A big store then warms up gradually instead of one index view
# queueing every storyline's analysis at once behind the reader's own story pages.
QUEUE_LINES = 16


def _grouping(story: Story) -> tuple:
    return (story.id, story.title, story.articles, story.date, story.place, story.storyline)


@dataclass(frozen=True, slots=True)
class PageStory:
    """A story as a page shows it: maybe a little behind (pending articles), maybe unanalysed."""

    story: Story
    articles: list[Article]
    problem: str | None = None  # why the analysis failed, if it did
    pending: tuple[str, ...] = ()  # articles that joined since this analysis; it is being redone


@dataclass(frozen=True, slots=True)
class Posted:
    """The outcome of one POST /api/articles."""

    articles: list[dict[str, Any]]
    failures: list[Failure]
    ids: dict[str, str]  # failure input ("request:N") -> the id the record gave, where it had one
    added: int
    total: int


class Site:
    """Everything the routes need, around one Store (one SQLite connection shared by all threads)."""

    def __init__(self, db_path: str | Path, settings: Settings):
        self.settings = settings
        self.store = Store(db_path)
        # Ingest reads the grouping state, adds articles and writes the state back; two requests doing
        # that at once would each overwrite the other's assignments, so ingests run one at a time.
        self._ingest_lock = threading.Lock()
        self._guard = threading.Lock()
        self._story_locks: dict[str, threading.Lock] = {}
        # Analysing a story is CPU-bound: more analyses at once than cores only slow each other down
        # and starve the cheap requests (lists, posts), so the rest queue here instead.
        self._analysis = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
        self._memo: OrderedDict[str, tuple[Story, list[Article]]] = OrderedDict()
        # Re-analyses of stories that changed, run one at a time behind the pages (see page_story).
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crosswire-analysis")
        self._refreshing: set[str] = set()
        # Name variants per storyline, keyed by its stories' grouping (recomputed when that changes);
        # a few names per storyline, so kept for all of them.
        self._variants: dict[str, tuple[tuple, list[NameVariant]]] = {}
        self._closed = False
        self._cache: tuple[int, dict[str, Article]] = (-1, {})

    def close(self) -> None:
        with self._guard:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)  # a running analysis still uses the store
        self.store.close()

    # -- reading ----------------------------------------------------------------------------------
    def articles_by_id(self) -> dict[str, Article]:
        """All stored articles by id; reloaded only when the article count changed (articles are
        only ever added, so the count is a cheap version number)."""
        count = self.store.article_count()
        with self._guard:
            if self._cache[0] == count:
                return self._cache[1]
        by_id = {a.id: a for a in self.store.articles()}
        with self._guard:
            self._cache = (len(by_id), by_id)
        return by_id

    def story_rows(self, query: str = "", stories: list[Story] | None = None) -> list[StoryRow]:
        """Stories newest first with their outlets and dates, optionally only those matching `query`."""
        by_id = self.articles_by_id()
        stories = self.store.stories() if stories is None else stories
        if query.strip():
            stories = [s for s in stories if matches(s, by_id, query)]
        return story_rows(stories, by_id)

    def story(self, story_id: str) -> tuple[Story, list[Article]] | None:
        """The analysed story; concurrent requests for one story compute it once (then it is cached)."""
        from ..api import stored_story

        bare = next((s for s in self.store.stories() if s.id == story_id), None)
        if bare is None:
            return None
        with self._guard:
            hit = self._memo.get(story_id)
            if hit is not None and _grouping(hit[0]) == _grouping(bare):
                self._memo.move_to_end(story_id)
                return hit  # unchanged since analysed: no need to wait behind another analysis
            lock = self._story_locks.setdefault(story_id, threading.Lock())
        with lock, self._analysis:
            found = stored_story(self.store, story_id, self.settings)
        if found is not None:
            with self._guard:
                self._memo[story_id] = found
                while len(self._memo) > MEMO_STORIES:
                    self._memo.popitem(last=False)
        return found

    def page_story(self, story_id: str) -> PageStory | None:
        """The story for a page, without making the reader wait for a re-analysis.

        When articles joined the story since it was last analysed here, the page gets that analysis
        at once, marked with the articles still pending, while the new one is computed in the
        background. If the analysis fails, the page gets the bare grouping and the reason, so the
        reader still has the articles (the JSON API reports the failure instead).
        """
        bare = next((s for s in self.store.stories() if s.id == story_id), None)
        if bare is None:
            return None
        with self._guard:
            hit = self._memo.get(story_id)
        if hit is not None and _grouping(hit[0]) != _grouping(bare):
            self._refresh_later(story_id)
            pending = tuple(a for a in bare.articles if a not in hit[0].articles)
            return PageStory(hit[0], hit[1], None, pending)
        try:
            found = self.story(story_id)
        except Exception as exc:  # a page must not die because one stage did
            log.exception("analysis of story %s failed", story_id)
            return PageStory(bare, self.store.articles(list(bare.articles)), f"{type(exc).__name__}: {exc}")
        return None if found is None else PageStory(*found)

    def _refresh_later(self, story_id: str) -> None:
        self._later(story_id, self.story, story_id)

    def _later(self, job: str, work: Any, *args: Any) -> bool:
        """Run `work(*args)` on the background thread unless `job` is already queued; True if queued."""
        with self._guard:
            if job in self._refreshing or self._closed:
                return False
            self._refreshing.add(job)
        self._pool.submit(self._run, job, work, *args)
        return True

    def _run(self, job: str, work: Any, *args: Any) -> None:
        try:
            work(*args)
        except Exception:
            log.exception("background job %s failed", job)
        finally:
            with self._guard:
                self._refreshing.discard(job)

    def name_variants(self, line_ids: list[str], storylines: list[Storyline], stories: list[Story]) -> dict[str, list[NameVariant]]:
        """Names the stories of each listed storyline spell differently (`storyline_name_variants`).

        Only storylines whose stories are all analysed get an answer; a page never waits for spaCy.
        The others (up to QUEUE_LINES, in the order given) are analysed in the background, so a
        later view shows their names. Stories analysed for their own pages count too.
        """
        by_story = {s.id: s for s in stories}
        by_line = {line.id: line for line in storylines}
        out: dict[str, list[NameVariant]] = {}
        queued = 0
        for line_id in line_ids:
            members = [by_story[s] for s in by_line[line_id].stories if s in by_story] if line_id in by_line else []
            if len(members) < 2:
                continue
            key = tuple(_grouping(s) for s in members)
            with self._guard:
                known = self._variants.get(line_id)
                analysed = [self._memo.get(s.id) for s in members]
            if known is not None and known[0] == key:
                out[line_id] = known[1]
            elif all(hit is not None and _grouping(hit[0]) == k for hit, k in zip(analysed, key, strict=True)):
                out[line_id] = self._remember_variants(line_id, key, [hit[0] for hit in analysed if hit])
            elif queued < QUEUE_LINES and self._later(f"line:{line_id}", self._line_names, line_id, members):
                queued += 1
        return out

    def _remember_variants(self, line_id: str, key: tuple, analysed: list[Story]) -> list[NameVariant]:
        found = storyline_name_variants(analysed)
        with self._guard:
            self._variants[line_id] = (key, found)
        return found

    def _line_names(self, line_id: str, members: list[Story]) -> None:
        analysed = []
        for bare in members:
            found = self.story(bare.id)  # from the memo or the store's cache when it can
            if found is None or _grouping(found[0]) != _grouping(bare):
                return  # regrouped meanwhile: the next page view asks again
            analysed.append(found[0])
        self._remember_variants(line_id, tuple(_grouping(s) for s in members), analysed)

    def story_of(self, article_id: str) -> Story | None:
        return next((s for s in self.store.stories() if article_id in s.articles), None)

    # -- writing ----------------------------------------------------------------------------------
    def post(self, records: list[Any], body: bytes) -> Posted:
        """Read, clean, store and group posted records; every record ends as an article or a Failure."""
        from ..ingest import articles_from_records
        from ..ingest_store import ingest_articles
        from ..pipeline import prepare

        # Records without an id get one derived from the request body, so re-posting the same body is
        # idempotent instead of storing the articles again under new ids.
        prefix = "web-" + hashlib.sha256(body).hexdigest()[:12]
        articles: list[Article] = []
        failures: list[Failure] = []
        seen: set[str] = set()
        ids = {f"request:{n}": str(r["id"]) for n, r in enumerate(records, 1) if isinstance(r, dict) and r.get("id")}
        for item in articles_from_records(records, "request", self.settings, id_prefix=prefix):
            if isinstance(item, Article):
                ids[item.origin] = item.id
            item = prepare(item, self.settings)  # cleaning runs outside the lock, in parallel
            if isinstance(item, Article) and item.id in seen:
                item = Failure(item.origin or item.id, f"another article in this request has the id {item.id!r}")
            if isinstance(item, Failure):
                failures.append(item)
            else:
                seen.add(item.id)
                articles.append(item)
        with self._ingest_lock:
            result = ingest_articles(self.store, articles, [], self.settings)
        failures += result.failures
        failed = {f.input for f in result.failures}
        added = {a for a, _story, _line in result.assignments}
        # Answer with the story each article is in now: an article assigned early in a batch can move
        # when later articles of the same batch regroup the stories.
        story_of = {a: s for s in self.store.stories() for a in s.articles}
        out = []
        for a in articles:
            if a.id not in added and (a.origin or a.id) in failed:
                continue
            story = story_of.get(a.id)
            out.append({"id": a.id, "status": "added" if a.id in added else "exists",
                        "story": story.id if story else None, "storyline": story.storyline if story else None})
        return Posted(out, failures, ids, result.added, result.total)
