"""The Ray engine: the per-article stages (read, clean, split, embed, entities) on a Ray cluster.

The driver lists the inputs (cheap) and cuts the work into units; a unit is either a run of files
read by a worker, or a batch of records the driver streamed out of a JSON Lines file (the JSONL
reader is sequential by nature: line numbers name the records). Ray Data then maps units through
`read_prepare` (`ingest.read_file` + `pipeline.prepare`, the local engine's own functions): in tasks,
or, when model stages are asked for, inside `_FeatureActor` (an actor pool: each worker loads spaCy
and the embedder once, then runs `read_prepare` and `engines.local.features_of` on each unit). The driver puts the prepared items back in
input order and calls `pipeline.dedupe`, so articles, ids and failures are those of the local engine.

Fault tolerance is Ray's: a task whose worker dies is re-run (`max_retries`), a dead actor is
restarted and its batch re-sent (`max_restarts`, `max_task_retries`). Units are pure functions of
their input, so a re-run unit gives the same items, and the driver keeps exactly one result per unit:
nothing is lost and nothing is counted twice.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..pipeline import Inputs, Progress, StageTimes
from ..records import Article, Failure
from ..settings import Settings
from .local import Features, check_stages

# Files per read unit: enough to amortise a task (~ms) over trafilatura's per-page cost, few enough
# that a run of a few hundred files still spreads over the workers.
FILES_PER_UNIT = 16
# Records per unit streamed from a JSONL file: ~1-2 MB of text, ~0.5 s of cleaning; a unit is also
# what a worker re-does after a crash.
RECORDS_PER_UNIT = 256
# Units per Ray Data run when streaming (`iter_load`): 64 x 256 records is ~50 MB of raw text held by
# the driver at a time, and a run's start-up (~0.5 s) is spread over some 16k articles.
UNITS_PER_WINDOW = 64
# Retries after a worker process dies (not after an exception in our code: stages turn those into
# Failures). Bounded, so an input that kills every worker it meets stops the run with an error.
MAX_RETRIES = 3
# Local instance only: object store size. Units stream through it; 30% of RAM (Ray's default) is far
# more than a pipeline of a few hundred MB in flight needs, and it is shared with the models.
OBJECT_STORE_BYTES = 512 * 1024 * 1024
# Ray starts workers at nice 15 so they yield to the driver; here the workers ARE the pipeline, and at
# nice 15 on a busy machine they starve next to any other process. Same priority as the local engine.
SYSTEM_CONFIG = {"worker_niceness": 0}

_QUIET = Progress()


def connect(address: str | None = None, workers: int | None = None) -> Any:
    """The `ray` module, initialised: joins `address`, or starts a local instance with `workers` CPUs.

    An already initialised Ray (a test session, a notebook) is used as it is.
    """
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - depends on the install
        from ..errors import ConfigError

        raise ConfigError("the ray engine needs the optional extra: pip install 'crosswire[ray]'") from exc
    if not ray.is_initialized():
        common = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if address:
            # Ship this crosswire (1 MB of code) to the cluster so every worker runs the driver's
            # version of each stage; the dependencies and models must be installed on the nodes.
            package = str(Path(__file__).resolve().parents[1])
            ray.init(address=address, runtime_env={"py_modules": [package]}, **common)
        else:
            ray.init(
                address="local",  # a fresh instance, never a cluster found on this machine by chance
                num_cpus=workers or os.cpu_count() or 1,
                object_store_memory=OBJECT_STORE_BYTES,
                _system_config=SYSTEM_CONFIG,
                **common,
            )
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.execution_options.verbose_progress = False
    ctx.print_on_execution_start = False
    return ray


def _cpus(ray: Any) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def units(inputs: Inputs, settings: Settings) -> Iterator[dict[str, Any]]:
    """Work units in input order: {"seq", "paths"} to read on a worker, or {"seq", "raw"} already read.

    Both are pickled lists, so a unit is one opaque binary cell in a Ray Data block.
    """
    from ..ingest import iter_files, read_file
    from ..ingest.files import kind_of

    seq = 0
    paths: list[str] = []
    raw: list[Article | Failure] = []

    def flush() -> Iterator[dict[str, Any]]:
        nonlocal seq, paths, raw
        if paths:
            yield {"seq": seq, "kind": "paths", "payload": pickle.dumps(paths)}
            seq += 1
            paths = []
        if raw:
            yield {"seq": seq, "kind": "raw", "payload": pickle.dumps(raw)}
            seq += 1
            raw = []

    for item in iter_files(inputs):
        if isinstance(item, Failure):
            yield from flush()
            raw.append(item)
        elif kind_of(item) == "jsonl":
            yield from flush()
            for record in read_file(item, settings):
                raw.append(record)
                if len(raw) >= RECORDS_PER_UNIT:
                    yield from flush()
            yield from flush()
        else:
            if raw:
                yield from flush()
            paths.append(str(item))
            if len(paths) >= FILES_PER_UNIT:
                yield from flush()
    yield from flush()


def read_prepare(batch: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Ray Data map function: each unit -> its prepared items (pickled), in order. Runs on workers."""
    from .. import pipeline
    from ..ingest import read_file

    out = []
    for kind, payload in zip(batch["kind"], batch["payload"], strict=True):
        items = pickle.loads(payload)
        if kind == "paths":
            items = [raw for path in items for raw in read_file(Path(path), settings)]
        out.append(pickle.dumps([pipeline.prepare(item, settings) for item in items]))
    return {"seq": batch["seq"], "items": out}


class _FeatureActor:
    """Ray Data actor: reads and cleans a unit, then runs the model stages; models load once per actor.

    Reading runs here too (not in separate tasks) so that a pool holding every CPU cannot starve the
    read tasks feeding it.
    """

    def __init__(self, settings: Settings, stages: tuple[str, ...]) -> None:
        from .local import features_of

        self.settings = settings
        self.stages = stages
        self.run = features_of
        features_of([Article("warm-up", "Warm up the models once. Here.")], settings, stages)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        out = []
        for payload in read_prepare(batch, self.settings)["items"]:
            items = pickle.loads(payload)
            articles = [x for x in items if isinstance(x, Article)]
            out.append(pickle.dumps((items, self.run(articles, self.settings, self.stages))))
        return {"seq": batch["seq"], "items": out}


def ingest_features(
    inputs: Inputs,
    settings: Settings,
    stages: Iterable[str] = ("split", "embed"),
    *,
    address: str | None = None,
    workers: int | None = None,
    progress: Progress = _QUIET,
    times: StageTimes | None = None,
) -> tuple[list[Article], list[Failure], list[Features]]:
    """Read, clean and dedupe on Ray, then the model stages in an actor pool; as `local.ingest_features`."""
    stages = check_stages(stages)
    times = times or StageTimes()
    ray = connect(address, workers)
    with times.stage("ingest"):
        work = list(units(inputs, settings))
    if not work:
        return [], [], []
    ds = _dataset(ray, work, settings, stages, workers)
    payloads: list[bytes] = []
    with times.stage("clean"), progress.task("reading articles (ray)", total=len(work)) as advance:
        for _, payload in _in_order(ds, len(work)):
            payloads.append(payload)
            advance(1)
    return _assemble(payloads, bool(stages))


def _dataset(ray: Any, work: list[dict[str, Any]], settings: Settings, stages: tuple[str, ...], workers: int | None):
    """The Ray Data pipeline over the work units: read and clean in tasks, or with the model stages in
    an actor pool."""
    ds = ray.data.from_items(work, override_num_blocks=len(work))
    if stages:
        return ds.map_batches(
            _FeatureActor,
            fn_constructor_kwargs={"settings": settings, "stages": stages},
            batch_size=1,
            batch_format="numpy",
            num_cpus=1,
            compute=ray.data.ActorPoolStrategy(size=workers or _cpus(ray)),
            max_restarts=MAX_RETRIES,
            max_task_retries=MAX_RETRIES,
        )
    return ds.map_batches(
        read_prepare,
        fn_kwargs={"settings": settings},
        batch_size=1,
        batch_format="numpy",
        num_cpus=1,
        max_retries=MAX_RETRIES,
    )


def _in_order(ds: Any, n_units: int, first: int = 0) -> Iterator[tuple[int, bytes]]:
    """(seq, payload) of units first..first+n_units-1 in order, each as soon as its turn comes: only
    the units that finished ahead of an earlier one wait in memory."""
    waiting: dict[int, bytes] = {}
    turn = first
    for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
        for seq, payload in zip(batch["seq"], batch["items"], strict=True):
            if int(seq) >= turn:
                # One result per unit: a unit re-run after a crash replaces, never adds.
                waiting[int(seq)] = payload
        while turn in waiting:
            yield turn, waiting.pop(turn)
            turn += 1
    if turn != first + n_units:  # Ray re-runs lost units itself; this only guards the bookkeeping
        raise RuntimeError(f"ray engine lost {first + n_units - turn} work unit(s)")


def iter_load(
    inputs: Inputs,
    settings: Settings,
    *,
    address: str | None = None,
    workers: int | None = None,
    progress: Progress = _QUIET,
) -> Iterator[Article | Failure]:
    """`load` as a stream, in input order (as `pipeline.iter_load`): the driver holds the work units
    and the repeat index (and one window of raw input), not the cleaned articles."""
    import itertools

    from ..pipeline import Deduper

    ray = connect(address, workers)
    seen = Deduper()
    todo = units(inputs, settings)
    with progress.task("reading articles (ray)") as advance:
        # A window of units at a time: the driver never holds more raw input than one window.
        while window := list(itertools.islice(todo, UNITS_PER_WINDOW)):
            ds = _dataset(ray, window, settings, (), workers)
            for _, payload in _in_order(ds, len(window), first=window[0]["seq"]):
                for item in pickle.loads(payload):
                    yield seen.check(item)
                advance(1)


def _assemble(payloads: list[bytes], with_features: bool) -> tuple[list[Article], list[Failure], list[Features]]:
    """The units' results, already in unit order, as `pipeline.load` would give them."""
    from ..pipeline import dedupe

    items: list[Article | Failure] = []
    found: dict[str, Features] = {}
    for raw in payloads:
        payload = pickle.loads(raw)
        if with_features:
            unit_items, unit_features = payload
            items += unit_items
            for f in unit_features:
                found.setdefault(f.article, f)  # the first copy, as dedupe keeps the first copy
        else:
            items += payload
    articles, failures = dedupe(items)
    features = [found[a.id] for a in articles] if with_features else []
    return articles, failures, features


def load(
    inputs: Inputs,
    settings: Settings,
    *,
    address: str | None = None,
    workers: int | None = None,
    progress: Progress = _QUIET,
    times: StageTimes | None = None,
) -> tuple[list[Article], list[Failure]]:
    """Read and clean on Ray: the same articles and failures, in the same order, as `pipeline.load`."""
    articles, failures, _ = ingest_features(
        inputs, settings, (), address=address, workers=workers, progress=progress, times=times
    )
    return articles, failures


def group(
    articles: list[Article],
    settings: Settings,
    *,
    address: str | None = None,
    workers: int | None = None,
    times: StageTimes | None = None,
) -> Any:
    """Stories and storylines with the global step spread over Ray (see `ray_group`)."""
    from .ray_group import group_articles

    connect(address, workers)
    return group_articles(articles, settings, times)
