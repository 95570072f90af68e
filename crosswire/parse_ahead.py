"""Parse ahead: a forked process parses the brief's first worker tasks while the embedder loads.

A brief loads the sentence embedder (about 4 s of imports and set-up on one core) before it forks its
story workers, so they share it; meanwhile the other core is idle. This process fills that window: it
parses the tasks in the order the workers will take them and leaves each task's Docs in a file. A
worker takes a task's Docs from there when they are ready, waits for them while they are being parsed,
and parses the task itself otherwise. Each task is parsed once: whoever parses it first claims it with
a file only one process can create. The process stops after its current task once the embedder is
loaded (`finish_current`), or at the first task a worker claimed before it; a worker never waits on
a process that is gone (it holds a lock for as long as it lives). If the brief itself dies (killed,
so nothing of it cleans up), the process removes the shelf after its current task and ends.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import nlp
from .settings import Settings

_LOCK = "alive.lock"
_STOP = "stop"


@dataclass(frozen=True)
class Shelf:
    """Where a parse-ahead process leaves the Docs of the tasks it parsed (passed to the workers)."""

    folder: str

    def claim(self, task: int) -> bool:
        """True if the caller is the first to claim the task, and so the one to parse it."""
        try:
            os.close(os.open(self._path(task, "claim"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            return False

    def put(self, task: int, docs: Sequence[Any]) -> None:
        from spacy.tokens import DocBin

        part = self._path(task, "part")
        Path(part).write_bytes(DocBin(docs=docs, store_user_data=True).to_bytes())
        os.replace(part, self._path(task, "spacy"))  # readers never see half a file

    def take(self, task: int, parse: Callable[[], list[Any]]) -> list[Any]:
        """The task's Docs: from the shelf if the parse-ahead process has (or is) parsing it, else parse()."""
        if self.claim(task):
            return parse()
        done = self._path(task, "spacy")
        while not os.path.exists(done):
            if not self._ahead_alive():
                return parse()
            time.sleep(0.01)
        from spacy.tokens import DocBin

        return list(DocBin().from_bytes(Path(done).read_bytes()).get_docs(nlp.spacy_model().vocab))

    def _ahead_alive(self) -> bool:
        # The parse-ahead process holds an exclusive lock on this file while it lives; the kernel drops
        # it when the process ends, however it ends.
        with open(os.path.join(self.folder, _LOCK), "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def _path(self, task: int, kind: str) -> str:
        return os.path.join(self.folder, f"task-{task}.{kind}")


class ParseAhead:
    """A forked process parsing `texts_per_task` in order onto a fresh Shelf, `settings.batch_size` texts
    per spaCy batch; `close()` ends it and cleans up."""

    def __init__(self, texts_per_task: Sequence[Sequence[str]], settings: Settings) -> None:
        self.shelf = Shelf(tempfile.mkdtemp(prefix="crosswire-parse-"))
        lock = os.path.join(self.shelf.folder, _LOCK)
        Path(lock).touch()
        context = multiprocessing.get_context("fork")
        ready = context.Event()
        self.process = context.Process(
            target=_parse_ahead, args=(self.shelf, lock, ready, texts_per_task, settings), daemon=True
        )
        self.process.start()
        # The lock must be held before any worker can find a claim and ask whether the process lives.
        if not ready.wait(timeout=30):
            self.close()
            raise OSError("the parse-ahead process did not start")

    def finish_current(self) -> None:
        """Ask the process to stop after the task it is parsing (it frees its memory for the workers)."""
        Path(self.shelf.folder, _STOP).touch()

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        shutil.rmtree(self.shelf.folder, ignore_errors=True)


def _parse_ahead(shelf: Shelf, lock: str, ready: Any, texts_per_task: Sequence[Sequence[str]], settings: Settings) -> None:
    handle = open(lock, "rb")  # noqa: SIM115 - held open (and locked) for the life of the process
    fcntl.flock(handle, fcntl.LOCK_EX)
    # The brief's pid as the fork recorded it: os.getppid() here could already name init if the brief
    # died during the fork.
    brief = multiprocessing.parent_process().pid
    ready.set()
    nlp.configure(replace(settings, embed_threads=1, blas_threads=settings.blas_threads or 1))
    for task, texts in enumerate(texts_per_task):
        if os.getppid() != brief:
            # The brief died without closing us (SIGKILL, out of memory): nobody else will remove the
            # shelf, and nobody will read what is left to parse.
            shutil.rmtree(shelf.folder, ignore_errors=True)
            return
        if os.path.exists(os.path.join(shelf.folder, _STOP)) or not shelf.claim(task):
            return  # asked to stop, or the workers have caught up
        shelf.put(task, list(nlp.parse(texts, batch_size=settings.batch_size)))
