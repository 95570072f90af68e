"""The library's entry points: what the CLI and the web app call. Each returns records or plain data."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import pipeline
from .errors import ConfigError
from .pipeline import Inputs, Progress, StageTimes
from .records import Article, Briefing, Failure, Story, Storyline
from .settings import Settings
from .store import Store

_QUIET = Progress()


@dataclass(frozen=True, slots=True)
class StoriesResult:
    articles: tuple[Article, ...]
    failures: tuple[Failure, ...]
    stories: tuple[Story, ...]
    storylines: tuple[Storyline, ...]


@dataclass(frozen=True, slots=True)
class IngestResult:
    db: str
    added: int
    total: int
    failures: tuple[Failure, ...]
    assignments: tuple[tuple[str, str, str | None], ...] = field(default=())  # (article, story, storyline)

    def to_json(self) -> dict[str, Any]:
        return {
            "db": self.db,
            "added": self.added,
            "total": self.total,
            "failures": [f.to_json() for f in self.failures],
            "assignments": [{"article": a, "story": s, "storyline": line} for a, s, line in self.assignments],
        }


def _check_engine(engine: str) -> None:
    if engine not in {"local", "ray"}:
        raise ConfigError(f"unknown engine {engine!r}; use local or ray")


def load_articles(
    inputs: Inputs,
    settings: Settings,
    progress: Progress = _QUIET,
    times: StageTimes | None = None,
    engine: str = "local",
    address: str | None = None,
    workers: int | None = None,
) -> tuple[list[Article], list[Failure]]:
    """Read and clean inputs on the chosen engine."""
    _check_engine(engine)
    if engine == "ray":
        from .engines import ray_engine

        return ray_engine.load(inputs, settings, address=address, workers=workers, progress=progress, times=times)
    return pipeline.load(inputs, settings, progress, times)


def group_articles(
    articles: Sequence[Article],
    settings: Settings,
    engine: str = "local",
    address: str | None = None,
    workers: int | None = None,
    times: StageTimes | None = None,
) -> Any:
    """Stories and storylines of cleaned articles; on Ray the global step's parallel parts run there."""
    _check_engine(engine)
    if engine == "ray":
        from .engines import ray_engine

        return ray_engine.group(list(articles), settings, address=address, workers=workers, times=times)
    return pipeline.group(articles, settings)


def ingest(
    inputs: Inputs,
    settings: Settings,
    db: str | Path,
    progress: Progress = _QUIET,
    engine: str = "local",
    address: str | None = None,
    workers: int | None = None,
) -> IngestResult:
    """Store new articles and assign them to existing or new stories, batch by batch, crash-safe."""
    from .ingest_store import ingest_stream

    _check_engine(engine)
    if engine == "ray":
        from .engines import ray_engine

        items = ray_engine.iter_load(inputs, settings, address=address, workers=workers, progress=progress)
    else:
        items = pipeline.iter_load(inputs, settings, progress)
    # Streamed: each batch is stored as soon as it is read and cleaned, so memory does not grow with
    # the input (beyond the grouping index) and an interrupted run keeps what it stored.
    with Store(db) as store:
        return ingest_stream(store, items, settings, progress)


def brief(
    inputs: Inputs,
    settings: Settings,
    db: str | Path | None = None,
    words: int | None = None,
    progress: Progress = _QUIET,
    times: StageTimes | None = None,
    engine: str = "local",
    address: str | None = None,
    workers: int | None = None,
) -> Briefing:
    """A briefing of the inputs; with a store, the inputs are ingested first and the store is briefed."""
    times = times or StageTimes()
    inputs = list(inputs)
    if db is None:
        articles, failures = load_articles(inputs, settings, progress, times, engine, address, workers)
        grouping = None
        if engine == "ray":
            grouping = group_articles(articles, settings, engine, address, workers, times)
        return pipeline.brief_articles(articles, failures, settings, words, grouping=grouping, progress=progress,
                                       times=times)
    failures: list[Failure] = []
    if inputs:
        failures = list(ingest(inputs, settings, db, progress, engine, address, workers).failures)
    with Store(db) as store:
        articles = store.articles()
        grouping = _stored_grouping(store)
        briefing = pipeline.brief_articles(articles, [], settings, words, grouping=grouping, progress=progress, times=times)
    return Briefing(briefing.articles, tuple(failures), briefing.stories, briefing.storylines, briefing.meta)


@dataclass(frozen=True, slots=True)
class _StoredGrouping:
    stories: tuple[Story, ...]
    storylines: tuple[Storyline, ...]


def _stored_grouping(store: Store) -> _StoredGrouping:
    return _StoredGrouping(tuple(store.stories()), tuple(store.storylines()))


def stories(
    inputs: Inputs,
    settings: Settings,
    db: str | Path | None = None,
    progress: Progress = _QUIET,
    engine: str = "local",
    address: str | None = None,
    workers: int | None = None,
) -> StoriesResult:
    """Stories and storylines, without summaries (of the inputs, or of what a store holds)."""
    inputs = list(inputs)
    if db is None:
        articles, failures = load_articles(inputs, settings, progress, engine=engine, address=address, workers=workers)
        grouping = group_articles(articles, settings, engine, address, workers)
        return _dated(articles, tuple(failures), grouping.stories, grouping.storylines)
    failures: tuple[Failure, ...] = ()
    if inputs:
        failures = ingest(inputs, settings, db, progress, engine, address, workers).failures
    with Store(db) as store:
        return _dated(store.articles(), failures, store.stories(), store.storylines())


def _dated(
    articles: Sequence[Article], failures: Sequence[Failure], stories: Sequence[Story], storylines: Sequence[Storyline]
) -> StoriesResult:
    # undated stories get the day their leads give, as in a brief, so both commands agree
    stories, storylines = pipeline.date_from_leads(stories, storylines, {a.id: a for a in articles})
    return StoriesResult(tuple(articles), tuple(failures), tuple(stories), tuple(storylines))


def summarize(
    inputs: Inputs, settings: Settings, words: int | None = None, progress: Progress = _QUIET, *, paraphrase: bool = False
) -> dict[str, Any]:
    """All inputs summarised as one story: {"summary", "articles", "failures"}.

    Citations come from stemmed word overlap unless `paraphrase` (see `standalone_settings`).
    """
    settings = standalone_settings(settings, paraphrase)
    articles, failures = pipeline.load(inputs, settings, progress)
    summary = pipeline.summarize_story(articles, pipeline.segment(articles), settings, words) if articles else ()
    return {
        "summary": [s.to_json() for s in summary],
        "articles": [a.to_json() for a in articles],
        "failures": [f.to_json() for f in failures],
    }


def summarize_clusters(
    path: str | Path, settings: Settings, words: int | None = None, progress: Progress = _QUIET, *,
    paraphrase: bool = False,
) -> Iterator[dict[str, Any]]:
    """One output line per input cluster line, in input order; a bad line yields an empty summary."""
    from .ingest import articles_from_records

    settings = standalone_settings(settings, paraphrase)
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read clusters file {path}: {exc}") from exc
    with progress.task("summarizing clusters", total=len(lines)) as advance:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                advance(1)
                continue
            yield _summarize_cluster_line(line, f"{path}:{n}", n, settings, words, articles_from_records)
            advance(1)


def _summarize_cluster_line(line: str, origin: str, n: int, settings: Settings, words: int | None, reader: Any) -> dict[str, Any]:
    try:
        record = json.loads(line)
        if not isinstance(record, dict) or not isinstance(record.get("articles"), list):
            raise ValueError('a cluster line needs {"id", "articles": [...]}')
    except ValueError as exc:
        return {"id": None, "summary": [], "failures": [{"input": origin, "reason": f"bad cluster line: {exc}"}]}
    cluster_id = record.get("id", n)
    failures: list[Failure] = []
    articles: list[Article] = []
    for item in reader(record["articles"], origin, settings):
        item = pipeline.prepare(item, settings)
        (failures if isinstance(item, Failure) else articles).append(item)
    summary: Sequence[Any] = ()
    if articles:
        summary = pipeline.summarize_story(articles, pipeline.segment(articles), settings, words)
    else:
        failures.append(Failure(origin, "no usable article in this cluster"))
    return {"id": cluster_id, "summary": [s.to_json() for s in summary], "failures": [f.to_json() for f in failures]}


def standalone_settings(settings: Settings, paraphrase: bool) -> Settings:
    """The settings of a summary made on its own (`crosswire summarize`), outside a brief.

    A brief already runs the sentence embedder for quotes and claims, so its summaries also cite
    paraphrases (`summary_semantic_citations`). A standalone summary is the bulk path (one cluster
    after another, benchmarked against sumy): embedding the candidate citations would be about 90% of
    its time (Multi-News: about 20 ms a cluster on word overlap, 10x that with paraphrases), so it
    cites restatements by word overlap unless asked for paraphrases.
    """
    return replace(settings, summary_semantic_citations=paraphrase)


def quotes(inputs: Inputs, settings: Settings, progress: Progress = _QUIET) -> dict[str, Any]:
    """Every quote in the inputs, without clustering: {"quotes", "articles", "failures"}."""
    articles, failures = pipeline.load(inputs, settings, progress)
    found = pipeline.quotes_of(articles, settings) if articles else []
    return {
        "quotes": [q.to_json() for q in found],
        "articles": [a.to_json() for a in articles],
        "failures": [f.to_json() for f in failures],
    }


def _story_fingerprint(story: Story, settings: Settings, words: int | None) -> str:
    import hashlib

    from .summarize import VERSION as SUMMARY_VERSION

    # the summarizer's own version too, so a change there cannot be served from the cache when the
    # bump below is forgotten (as it was for summarize v5)
    key = [story.articles, story.title, story.date, story.place, story.storyline, words, ANALYSIS_VERSION,
           SUMMARY_VERSION, settings.stage_names()]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()


def cached_story(store: Store, story_id: str, settings: Settings, words: int | None = None) -> Story | None:
    """The stored analysis of a story if it is current, without computing anything."""
    from .records import story_from_json

    found = next((s for s in store.stories() if s.id == story_id), None)
    if found is None:
        return None
    cached = store.load_result(story_id, "story", _story_fingerprint(found, settings, words))
    return story_from_json(cached) if cached is not None else None


def stored_story(store: Store, story_id: str, settings: Settings, words: int | None = None) -> tuple[Story, list[Article]] | None:
    """One stored story with its summary, quotes, claims, entities and timeline, and its articles.

    The analysis is cached in the store, keyed by the story as grouped (members, title, date, place,
    storyline) and the stage versions, so it is computed once per version of the story.
    """
    from .records import story_from_json

    found = next((s for s in store.stories() if s.id == story_id), None)
    if found is None:
        return None
    articles = store.articles(list(found.articles))
    fingerprint = _story_fingerprint(found, settings, words)
    cached = store.load_result(story_id, "story", fingerprint)
    if cached is not None:
        return story_from_json(cached), articles
    docs = dict(zip((a.id for a in articles), pipeline.parse_docs(articles, settings), strict=True))
    story = pipeline.analyze_story(found, articles, pipeline.segment(articles), docs, settings, words)
    store.save_result(story_id, "story", fingerprint, story.to_json())
    return story, articles


# Bump when any per-story stage changes what it produces, so cached analyses are recomputed.
ANALYSIS_VERSION = "7"  # 6: quotes carry cue_span; 7: pronouns after a described subject, quotes carry statement, repeated timeline clauses merged, joint speakers, speaker_role
