"""Wires the stages together. Each stage is a plain function over records; this module only calls them.

One way through: inputs -> ingest -> clean -> (dedupe) -> group -> per story: segment, summarize,
quotes, entities, claims, timeline -> Briefing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import nlp, registry
from .records import Article, Briefing, Failure, Quote, Sentence, Story, Storyline, SummarySentence
from .settings import Settings

Inputs = Iterable[str | Path]


class Progress:
    """Progress reporting hook; the library default shows nothing. The CLI passes a rich one."""

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        yield lambda n=1: None


@dataclass
class StageTimes:
    """Wall seconds (and this process's CPU seconds) spent per stage, for benchmarks and a briefing's meta.

    CPU seconds say what a stage costs when the machine is shared; wall seconds what a user waits.
    A stage opened inside another is counted once, as itself: the outer stage's times leave it out.
    With `thread_clock`, both are the calling thread's CPU time (see `lockstep`: threads that take
    turns on one core would otherwise each count the others' work as their own wall time).
    """

    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    thread_clock: bool = False
    # per open stage, the wall and CPU seconds of the stages nested in it
    _nested: list[list[float]] = field(default_factory=list, init=False, repr=False)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start, cpu = self._now()
        self._nested.append([0.0, 0.0])
        try:
            yield
        finally:
            end, cpu_end = self._now()
            inner_wall, inner_cpu = self._nested.pop()
            wall, used = end - start, cpu_end - cpu
            self.add(name, wall - inner_wall, used - inner_cpu)
            if self._nested:
                self._nested[-1][0] += wall
                self._nested[-1][1] += used

    def add(self, name: str, seconds: float, cpu_seconds: float) -> None:
        """Count time spent in a stage elsewhere (another process, another thread) as this one's."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.cpu_seconds[name] = self.cpu_seconds.get(name, 0.0) + cpu_seconds

    def absorb(self, other: StageTimes) -> None:
        """Add every stage of `other` to this one."""
        for name, value in other.seconds.items():
            self.add(name, value, other.cpu_seconds.get(name, 0.0))

    def _now(self) -> tuple[float, float]:
        if self.thread_clock:
            now = time.thread_time()
            return now, now
        return time.perf_counter(), time.process_time()


_QUIET = Progress()


# -- per-article stages ------------------------------------------------------------------------
def prepare(raw: Article | Failure, settings: Settings) -> Article | Failure:
    """Clean one freshly read article; failures pass through. The unit of work engines map over."""
    from .clean import clean_article

    if isinstance(raw, Failure):
        return raw
    try:
        return clean_article(raw, settings)
    except Exception as exc:  # one bad article must never stop the batch
        return Failure(raw.origin or raw.id, f"cleaning failed: {type(exc).__name__}: {exc}")


def load(
    inputs: Inputs, settings: Settings, progress: Progress = _QUIET, times: StageTimes | None = None
) -> tuple[list[Article], list[Failure]]:
    """Read and clean every input; bad inputs and duplicates become Failures, nothing else is lost."""
    from .ingest import read_inputs

    times = times or StageTimes()
    with progress.task("reading articles") as advance:
        raws: list[Article | Failure] = []
        with times.stage("ingest"):
            for item in read_inputs(inputs, settings):
                raws.append(item)
                advance(1)
    with times.stage("clean"):
        return dedupe(prepare(item, settings) for item in raws)


class Deduper:
    """Turns repeats into Failures as items stream by: a repeated text or id after its first copy.

    Holds one hash and one id per article seen (the index), never the texts, so a stream of any length
    can be deduplicated in bounded memory.
    """

    def __init__(self) -> None:
        self.seen_hash: dict[str, str] = {}
        self.seen_id: set[str] = set()

    def check(self, item: Article | Failure) -> Article | Failure:
        from .store import content_hash

        if isinstance(item, Failure):
            return item
        digest = content_hash(item.text)
        if digest in self.seen_hash:
            return Failure(item.origin or item.id, f"duplicate of article {self.seen_hash[digest]!r} (same text)")
        if item.id in self.seen_id:
            return Failure(item.origin or item.id, f"another article already has the id {item.id!r}")
        self.seen_hash[digest] = item.id
        self.seen_id.add(item.id)
        return item


def dedupe(items: Iterable[Article | Failure]) -> tuple[list[Article], list[Failure]]:
    """Split prepared items, in order, into articles and failures; a repeated text or id is a Failure.

    Every engine calls this on the prepared items in input order, so all keep the same first copy.
    """
    articles: list[Article] = []
    failures: list[Failure] = []
    seen = Deduper()
    for item in items:
        item = seen.check(item)
        (failures if isinstance(item, Failure) else articles).append(item)
    return articles, failures


def iter_load(inputs: Inputs, settings: Settings, progress: Progress = _QUIET) -> Iterator[Article | Failure]:
    """`load` as a stream: each input read, cleaned and checked for repeats in turn, in input order.

    Memory stays that of one article plus the repeat index, whatever the size of the input.
    """
    from .ingest import read_inputs

    seen = Deduper()
    with progress.task("reading articles") as advance:
        for raw in read_inputs(inputs, settings):
            yield seen.check(prepare(raw, settings))
            advance(1)


def segment(articles: Sequence[Article]) -> dict[str, list[Sentence]]:
    """Sentences of every article, keyed by article id."""
    from .segment import split_article

    return {a.id: split_article(a) for a in articles}


# -- global stage ------------------------------------------------------------------------------
def group(articles: Sequence[Article], settings: Settings) -> Any:
    """Stories and storylines for the articles (a `crosswire.group.Grouping`)."""
    return registry.get("grouper", settings.grouper)(articles, settings)


# -- per-story stages --------------------------------------------------------------------------
def summary_words(n_articles: int, settings: Settings, words: int | None = None) -> int:
    """The word budget for a story: the default grows with the story, up to twice the base."""
    if words:
        return words
    extra = max(0, n_articles - 5) * settings.summary_words_per_extra_article
    return min(settings.summary_words + extra, 2 * settings.summary_words)


def summarize_story(
    articles: Sequence[Article], sentences: dict[str, list[Sentence]], settings: Settings, words: int | None = None
) -> tuple[SummarySentence, ...]:
    """The cited multi-document summary of one story."""
    nlp.configure(settings)
    summarize = registry.get("summarizer", settings.summarizer)
    return tuple(summarize(articles, sentences, summary_words(len(articles), settings, words), settings))


def parse_docs(articles: Sequence[Article], settings: Settings) -> Iterator[Any]:
    """spaCy Docs of the cleaned texts, in order, parsed in batches by one shared model."""
    from .nlp import parse

    # spaCy's parse is single-threaded; worker processes double its rate on two cores. Small batches
    # (a web request, one story) parse in-process, as starting workers would cost more than it saves.
    n_process = settings.parse_processes if len(articles) >= 32 else 1
    batch = settings.batch_size if n_process == 1 else max(4, settings.batch_size // 4)
    yield from parse((a.text for a in articles), batch_size=batch, n_process=n_process)


def analyze_story(
    story: Story,
    articles: Sequence[Article],
    sentences: dict[str, list[Sentence]],
    docs: dict[str, Any],
    settings: Settings,
    words: int | None = None,
    times: StageTimes | None = None,
) -> Story:
    """Everything crosswire says about one story: summary, quotes, entities, claims, timeline."""
    nlp.configure(settings)
    from .quotes import link_same_statements

    times = times or StageTimes()
    with times.stage("summarize"):
        summary = summarize_story(articles, sentences, settings, words)
    with times.stage("quotes"):
        quotes: list[Quote] = registry.get("quotes", settings.quote_extractor)(articles, settings, docs=docs)
        quotes = link_same_statements(quotes, articles)
    with times.stage("compare"):
        entities = registry.get("entities", settings.entity_extractor)(articles, settings, docs=docs)
        claims = registry.get("claims", settings.claim_finder)(articles, sentences, settings, docs=docs)
    with times.stage("timeline"):
        timeline = registry.get("timeline", settings.timeline_builder)(articles, sentences, settings, docs=docs)
    if story.date is None:  # no publication date among its articles: the leads may still date it
        from .timeline import lead_event_date

        story = replace(story, date=lead_event_date(timeline, sentences))
    return replace(
        story,
        summary=summary,
        quotes=tuple(quotes),
        entities=tuple(entities),
        claims=tuple(claims),
        timeline=tuple(timeline),
    )


def brief_articles(
    articles: Sequence[Article],
    failures: Sequence[Failure],
    settings: Settings,
    words: int | None = None,
    grouping: Any | None = None,
    progress: Progress = _QUIET,
    times: StageTimes | None = None,
) -> Briefing:
    """The briefing for already cleaned articles: group them, then analyse story by story."""
    times = times or StageTimes()
    with times.stage("split"):
        sentences = segment(articles)
    if grouping is None:
        with times.stage("cluster"):
            grouping = group(articles, settings)
    by_id = {a.id: a for a in articles}
    stories = [s for s in grouping.stories if all(a in by_id for a in s.articles)]
    with progress.task("briefing stories", total=len(stories)) as advance:
        if _story_workers(stories, settings) > 1:
            done = _analyze_in_workers(stories, by_id, sentences, settings, words, times, advance)
        else:
            done = _analyze_here(stories, by_id, sentences, settings, words, times, advance)
    return Briefing(
        articles=tuple(articles),
        failures=tuple(failures),
        stories=tuple(done),
        storylines=tuple(_in_date_order(grouping.storylines, done)),
        meta={"stage_seconds": dict(times.seconds), "stages": settings.stage_names()},
    )


def date_from_leads(
    stories: Sequence[Story], storylines: Sequence[Storyline], by_id: Mapping[str, Article]
) -> tuple[list[Story], list[Storyline]]:
    """Stories that grouping could not date (none of their articles has a publication date) dated
    as `brief` dates them, from the day their leads give (`timeline.lead_event_date`), and each
    storyline's stories in date order again. Dated stories cost nothing here."""
    from .segment import split_article
    from .timeline import LEAD_SENTENCES, build_timeline, lead_event_date

    out = []
    for story in stories:
        members = [by_id[a] for a in story.articles if a in by_id]
        if story.date is None and members:
            sentences = {a.id: split_article(a) for a in members}
            # only the leads' dates can vote, so only they are read; a brief, which has the whole
            # timeline, can also date a lead's "on Tuesday" by another article's later sentence
            leads = build_timeline(members, sentences, lead=LEAD_SENTENCES)
            story = replace(story, date=lead_event_date(leads, sentences))
        out.append(story)
    return out, _in_date_order(storylines, out)


def _in_date_order(storylines: Sequence[Storyline], stories: Sequence[Story]) -> list[Storyline]:
    """Each storyline's stories in date order again, now that the analysis may have dated stories
    that grouping could not; undated stories keep their order, after the dated ones."""
    dates = {s.id: s.date for s in stories}
    out = []
    for line in storylines:
        order = sorted(range(len(line.stories)), key=lambda i: (dates.get(line.stories[i]) or "9999", i))
        out.append(replace(line, stories=tuple(line.stories[i] for i in order)))
    return out


def analyze_stories(
    stories: Sequence[Story],
    by_id: dict[str, Article],
    sentences: dict[str, list[Sentence]],
    docs: dict[str, Any],
    settings: Settings,
    words: int | None = None,
    times: StageTimes | None = None,
) -> list[Story]:
    """`analyze_story` for each story, side by side so their embeddings share calls (see lockstep.py)."""
    from .lockstep import analyze_together

    nlp.configure(settings)  # first here: each thread's analyze_story then finds it done, none races to set it

    def job(story: Story) -> Callable[[StageTimes], Story]:
        members = [by_id[a] for a in story.articles]
        own_docs = {a: docs[a] for a in story.articles}
        return lambda own: analyze_story(story, members, sentences, own_docs, settings, words, own)

    return analyze_together([job(s) for s in stories], times or StageTimes())


def _analyze_here(stories, by_id, sentences, settings, words, times, advance) -> list[Story]:
    # Parse articles task by task in one stream, so spaCy batches across tasks while only the docs of
    # the task at hand are held in memory.
    tasks = _plan_tasks(stories, by_id)
    doc_stream = parse_docs([by_id[a] for task in tasks for i in task for a in stories[i].articles], settings)
    done: list[Story | None] = [None] * len(stories)
    for task in tasks:
        with times.stage("parse"):
            docs = {a: next(doc_stream) for i in task for a in stories[i].articles}
        analysed = analyze_stories([stories[i] for i in task], by_id, sentences, docs, settings, words, times)
        for i, story in zip(task, analysed, strict=True):
            done[i] = story
        advance(len(task))
    return [s for s in done if s is not None]


# A worker task holds whole stories of about this many articles: big enough that spaCy batches well
# and a task's pickling is noise, small enough that the two workers finish close together.
_ARTICLES_PER_TASK = 24


# A task's articles are parsed a few at a time: one batch of all 24 made each worker's activations,
# which the allocator then keeps, peak about 240 MB higher.
_PARSE_BATCH = 8


def _task_parse_settings(settings: Settings) -> Settings:
    """The settings a task's articles are parsed with, by a worker or by the parse-ahead process."""
    return replace(settings, batch_size=min(settings.batch_size, _PARSE_BATCH))


def _story_workers(stories: Sequence[Story], settings: Settings) -> int:
    import threading

    n_articles = sum(len(s.articles) for s in stories)
    # Workers are forked: from a server's request thread another thread may hold a lock the child
    # would inherit locked, so only a program's main thread hands stories out.
    if n_articles < 32 or threading.current_thread() is not threading.main_thread():
        return 1
    return min(settings.parse_processes, len(stories))


def _analyze_in_workers(stories, by_id, sentences, settings, words, times, advance) -> list[Story]:
    """Parse and analyse stories in forked worker processes, whole stories per task.

    Only spaCy's parse can run in its own workers; everything after it (quotes, summaries, claims,
    the embeddings they need) is as costly and would leave the second core idle. The models are
    loaded here first, so the forked workers share them instead of each loading its own; while the
    embedder loads, a parse-ahead process parses the first tasks (see parse_ahead.py).
    """
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .nlp import embedder_loaded, load_embedder, spacy_model
    from .parse_ahead import ParseAhead

    nlp.configure(settings)
    spacy_model()
    tasks = _plan_tasks(stories, by_id)
    ahead = None
    needs_embedder = any(len(s.articles) > 1 for s in stories)
    done: list[Story | None] = [None] * len(stories)
    # Forked processes inherit the models' millions of objects. Frozen, the collector leaves them out
    # of its passes (and so never writes to their shared pages); unfrozen once the workers are done.
    gc.freeze()
    try:
        if needs_embedder and not embedder_loaded():
            try:
                texts = [[by_id[a].text for i in task for a in stories[i].articles] for task in tasks]
                ahead = ParseAhead(texts, _task_parse_settings(settings))
            except OSError:  # no temporary folder, no process: the workers parse everything, as before
                ahead = None
        if needs_embedder:
            load_embedder()
        if ahead is not None:
            # The load it filled is over: beside the two workers it would only take turns on the
            # cores, and its memory would add to theirs.
            ahead.finish_current()
        payloads = []
        for k, task in enumerate(tasks):
            members = {a: by_id[a] for i in task for a in stories[i].articles}
            payloads.append((
                [stories[i] for i in task], members, {a: sentences.get(a, []) for a in members}, settings, words,
                (ahead.shelf if ahead else None, k),
            ))
        # concurrent.futures rather than multiprocessing.Pool: a worker killed by the system (out of
        # memory) raises BrokenProcessPool here instead of leaving the brief waiting forever.
        context = multiprocessing.get_context("fork")
        gc.freeze()  # again, for the embedder's objects
        with ProcessPoolExecutor(_story_workers(stories, settings), mp_context=context) as pool:
            for task, (results, task_times) in zip(tasks, pool.map(_analyze_task, payloads), strict=True):
                for i, story in zip(task, results, strict=True):
                    done[i] = story
                times.absorb(task_times)
                advance(len(task))
    finally:
        gc.unfreeze()
        if ahead is not None:
            ahead.close()
    return [s for s in done if s is not None]


def _plan_tasks(stories: Sequence[Story], by_id: dict[str, Article]) -> list[list[int]]:
    """Story indices grouped into worker tasks of about _ARTICLES_PER_TASK articles, largest stories
    first, so the last tasks to finish are short ones."""
    order = sorted(range(len(stories)), key=lambda i: -sum(len(by_id[a].text) for a in stories[i].articles))
    tasks: list[list[int]] = []
    size = 0
    for i in order:
        if not tasks or size >= _ARTICLES_PER_TASK:
            tasks.append([])
            size = 0
        tasks[-1].append(i)
        size += len(stories[i].articles)
    return tasks


def _analyze_task(payload) -> tuple[list[Story], StageTimes]:
    """One worker task: parse the stories' articles (or take them parsed ahead) and analyse them."""
    stories, members, sentences, settings, words, (shelf, index) = payload
    # The workers already use every core: one embedder thread each (unless the user chose a number).
    local = replace(
        settings, parse_processes=1, embed_threads=settings.embed_threads or 1, blas_threads=settings.blas_threads or 1
    )
    nlp.configure(local)  # before the first parse
    times = StageTimes()
    articles = [members[a] for s in stories for a in s.articles]

    def parse_here() -> list[Any]:
        return list(parse_docs(articles, _task_parse_settings(local)))

    with times.stage("parse"):
        parsed = shelf.take(index, parse_here) if shelf is not None else parse_here()
    docs = dict(zip((a.id for a in articles), parsed, strict=True))
    return analyze_stories(stories, members, sentences, docs, local, words, times), times


def brief(
    inputs: Inputs,
    settings: Settings,
    words: int | None = None,
    progress: Progress = _QUIET,
    times: StageTimes | None = None,
) -> Briefing:
    """Read, clean, group and brief the given inputs."""
    times = times or StageTimes()
    articles, failures = load(inputs, settings, progress, times)
    return brief_articles(articles, failures, settings, words, progress=progress, times=times)


def stories_only(inputs: Inputs, settings: Settings, progress: Progress = _QUIET) -> tuple[list[Article], list[Failure], Any]:
    """The fast path: articles grouped into stories and storylines, nothing summarised."""
    articles, failures = load(inputs, settings, progress)
    return articles, failures, group(articles, settings)


def quotes_of(articles: Sequence[Article], settings: Settings) -> list[Quote]:
    """Every quote in the articles, without clustering; same_as links across all of them."""
    from .quotes import link_same_statements

    nlp.configure(settings)
    docs = dict(zip((a.id for a in articles), parse_docs(articles, settings), strict=True))
    found = registry.get("quotes", settings.quote_extractor)(articles, settings, docs=docs)
    return link_same_statements(found, articles)
