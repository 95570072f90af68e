"""Run several stories' analyses side by side so their sentence embeddings are computed together.

The embedder is fastest on large batches of similar length. One story asks for a few dozen texts at a
time (citation candidates, quote segments, claim sentences), and embedding a brief's texts in the
calls stories make cost 27-30 CPU-s on news_cluster against 18 CPU-s in one call. `run_pooled`
runs a worker task's stories as jobs, each in its own thread but only one at a time: a job runs until
it needs vectors that are not cached, then the next job runs; when every job is waiting or finished,
all their texts are embedded in one call and the waiting jobs resume, in order. The stage code is
unchanged and unaware of it.

The order is fixed (jobs run in the given order, each round's texts are embedded in job order), so
the same inputs give the same batches and the same output on every run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from . import nlp

__all__ = ["run_pooled"]


class _Job:
    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.turn = threading.Event()  # set by the coordinator: this job may run
        self.request: list[str] | None = None  # texts it waits for
        self.vectors: Any = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False


class _Aborted(RuntimeError):
    pass


def run_pooled(fns: Sequence[Callable[[], Any]], times: Any | None = None) -> list[Any]:
    """Call each function and return their results in order, pooling their embedding requests.

    An exception raised by a function is raised here after every job has stopped. `times`, a
    pipeline.StageTimes, receives the pooled embedding calls as the "embed" stage.
    """
    _libc()
    jobs = [_Job(fn) for fn in fns]
    back = threading.Event()  # set by a job when it waits for vectors or finishes

    def wait_for_vectors(texts: list[str]) -> Any:
        job = _current.job
        job.request = list(texts)
        back.set()
        job.turn.wait()
        job.turn.clear()
        vectors, job.vectors = job.vectors, None
        if vectors is None:
            raise _Aborted("the embedding round this job waited for failed")
        return vectors

    def body(job: _Job) -> None:
        _current.job = job
        nlp.route_embeddings(wait_for_vectors)
        job.turn.wait()
        job.turn.clear()
        try:
            job.result = job.fn()
        except BaseException as exc:  # handed to the caller once every job has stopped
            job.error = exc
        finally:
            job.done = True
            back.set()

    threads = [threading.Thread(target=body, args=(job,), name=f"crosswire-job-{i}", daemon=True)
               for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    failure: BaseException | None = None
    while True:
        for job in jobs:
            if job.done or job.request is not None:
                continue
            back.clear()
            job.turn.set()
            back.wait()
        waiting = [job for job in jobs if job.request is not None]
        if not waiting:
            break
        try:
            _embed_round(waiting, times)
        except BaseException as exc:  # let the waiting jobs stop, then raise
            failure = exc
            for job in waiting:
                job.request, job.vectors = None, None
    for thread in threads:
        thread.join()
    _return_freed_memory()
    if failure is not None:
        raise failure
    for job in jobs:
        if job.error is not None and not isinstance(job.error, _Aborted):
            raise job.error
    return [job.result for job in jobs]


def _embed_round(waiting: list[_Job], times: Any | None) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    _return_freed_memory()  # what the jobs freed since the last round, before the batch's own allocations
    nlp.embed([t for job in waiting for t in job.request])  # one call for all; fills the cache
    for job in waiting:
        job.vectors = nlp.embed(job.request)  # from the cache
        job.request = None
    if times is not None:
        times.seconds["embed"] = times.seconds.get("embed", 0.0) + time.perf_counter() - start
        times.cpu_seconds["embed"] = times.cpu_seconds.get("embed", 0.0) + time.process_time() - cpu


_current = threading.local()


# glibc gives each new thread a malloc arena of its own (up to 8 per core) and keeps what is freed in
# an arena for that arena's later use. With a task's stories in threads, a worker's peak memory on
# news_cluster grew from 1.0 GB (stories one after another) to 1.8 GB. Capping the arenas (new
# threads share those that exist) and trimming freed pages at each embedding round and after each
# task brought it to 1.2 GB. Elsewhere than glibc both are skipped.
@lru_cache(maxsize=1)
def _libc() -> Any:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    if libc is None or not hasattr(libc, "malloc_trim") or not hasattr(libc, "mallopt"):
        return None
    libc.mallopt(-8, 1)  # M_ARENA_MAX
    return libc


def _return_freed_memory() -> None:
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
