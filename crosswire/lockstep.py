"""Analyse several stories side by side, so that their sentence embeddings share MiniLM calls.

One story asks for a few dozen vectors at a time (its sentences to cite, its quotes to match, its
claims), and MiniLM costs far more per text in such small calls than in big ones: the padding
of short batches and each layer's fixed cost dominate. Replaying the embedding calls of a
news_cluster brief, the same 3,491 texts cost 25.2 CPU-s in the calls stories make one by one and
20.6 CPU-s gathered per worker task of ~24 articles; in the brief itself (one process, one thread)
MiniLM's share fell from about 25 to 19.6 CPU-s.

So each story of a group runs in its own thread. A thread that asks for vectors waits until every
other unfinished thread waits too (or has finished); then one call embeds the texts of all of them.
Which texts form each round depends only on what each story asks for, never on thread timing, so a
brief's output is the same on every run. It can differ from analysing one story at a time only as
far as a vector depends on the other texts of its call (under bfloat16, in the third decimal; the
news_cluster brief came out byte-identical).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from . import nlp
from .pipeline import StageTimes

T = TypeVar("T")


class _Rounds:
    """The embedding rounds of one group of threads."""

    def __init__(self, n_threads: int) -> None:
        self._turn = threading.Condition()
        self._running = n_threads  # threads neither waiting nor finished
        self._asked: dict[int, tuple[list[str], int]] = {}
        self._answers: dict[int, Any] = {}
        self._failure: BaseException | None = None

    def embed(self, index: int, texts: list[str], batch_size: int, times: StageTimes) -> Any:
        """Thread `index`'s vectors, computed in a round with every other thread's pending texts."""
        with self._turn:
            if self._failure is not None:  # one failed round fails every story of the group
                raise RuntimeError("a shared embedding round failed") from self._failure
            self._asked[index] = (texts, batch_size)
            self._running -= 1
            try:
                self._run_if_all_wait(times)
                while index not in self._answers and self._failure is None:
                    self._turn.wait()
            finally:
                self._running += 1
                self._asked.pop(index, None)
            if index not in self._answers:
                raise RuntimeError("a shared embedding round failed") from self._failure
            return self._answers.pop(index)

    def finished(self, times: StageTimes) -> None:
        """Thread done: the others no longer wait for it."""
        with self._turn:
            self._running -= 1
            self._run_if_all_wait(times)

    def _run_if_all_wait(self, times: StageTimes) -> None:
        if self._running or not self._asked:
            return
        order = sorted(self._asked)  # thread order, so each round is one fixed call
        texts = [t for i in order for t in self._asked[i][0]]
        try:
            with times.stage("embed"):
                vectors = nlp.embed_now(texts, max(size for _, size in self._asked.values()))
        except BaseException as exc:
            self._failure = exc
            self._turn.notify_all()
            raise
        start = 0
        for i in order:
            n = len(self._asked[i][0])
            self._answers[i] = vectors[start : start + n].copy()
            start += n
        self._asked.clear()
        self._turn.notify_all()


def analyze_together(jobs: Sequence[Callable[[StageTimes], T]], times: StageTimes) -> list[T]:
    """Run each job in its own thread, embedding in shared rounds; results in job order.

    Each job gets its own StageTimes (thread clock), added to `times` at the end. The first job's
    exception, if any, is raised once all jobs have ended.
    """
    rounds = _Rounds(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException | None] = [None] * len(jobs)
    own_times = [StageTimes(thread_clock=True) for _ in jobs]

    def run(index: int) -> None:
        mine = own_times[index]
        nlp.route_embeddings(lambda texts, size: rounds.embed(index, texts, size, mine))
        try:
            results[index] = jobs[index](mine)
        except BaseException as exc:  # re-raised in the calling thread below
            errors[index] = exc
        finally:
            try:
                rounds.finished(mine)
            except BaseException as exc:
                errors[index] = errors[index] or exc

    # Daemon threads: an interrupted brief (Ctrl-C in the join below) must not wait for its stories.
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for mine in own_times:
        times.absorb(mine)
    for error in errors:
        if error is not None:
            raise error
    return results
