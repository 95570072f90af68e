import multiprocessing
import os

from conftest import SEEDS

from crosswire import nlp
from crosswire.parse_ahead import _LOCK, _STOP, ParseAhead, Shelf, _parse_ahead
from crosswire.settings import Settings


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _annotations(docs) -> list:
    return [
        [(t.text, t.tag_, t.pos_, t.dep_, t.head.i, str(t.morph), t.ent_iob_, t.ent_type_, nlp.lemma(t)) for t in d]
        for d in docs
    ]


def test_workers_take_the_docs_parsed_ahead_as_if_parsed_here():
    texts = _texts()
    tasks = [texts[:2], texts[2:4], texts[4:]]
    ahead = ParseAhead(tasks, Settings())
    folder = ahead.shelf.folder
    ahead.process.join(timeout=120)
    assert ahead.process.exitcode == 0
    parsed_here = []
    for k, task in enumerate(tasks):
        docs = ahead.shelf.take(k, lambda k=k: parsed_here.append(k) or [])
        assert _annotations(docs) == _annotations(nlp.parse(task))
    assert parsed_here == []  # every task came off the shelf
    ahead.close()
    assert not os.path.exists(folder)


def test_a_worker_parses_a_task_whose_claimant_is_gone(tmp_path):
    shelf = Shelf(str(tmp_path))
    (tmp_path / _LOCK).touch()  # nobody holds the lock: the parse-ahead process has ended
    assert shelf.claim(0)  # it claimed task 0 before it ended, and never delivered it
    assert shelf.take(0, lambda: ["parsed here"]) == ["parsed here"]
    # a task nobody claimed is claimed and parsed by the worker
    assert shelf.take(1, lambda: ["parsed here too"]) == ["parsed here too"]
    assert not shelf.claim(1)


def test_parse_ahead_stops_at_the_first_task_a_worker_claimed(tmp_path):
    texts = _texts()
    shelf = Shelf(str(tmp_path))
    lock = str(tmp_path / _LOCK)
    open(lock, "w").close()
    assert shelf.claim(1)  # a worker got to task 1 first
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    process = context.Process(target=_parse_ahead, args=(shelf, lock, ready, [texts[:1], texts[1:2], texts[2:3]], Settings()))
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0
    assert (tmp_path / "task-0.spacy").exists()
    assert not (tmp_path / "task-1.spacy").exists() and not (tmp_path / "task-2.claim").exists()


def test_parse_ahead_stops_after_its_current_task_when_asked(tmp_path):
    texts = _texts()
    shelf = Shelf(str(tmp_path))
    lock = str(tmp_path / _LOCK)
    open(lock, "w").close()
    (tmp_path / _STOP).touch()  # what ParseAhead.finish_current leaves for the process
    context = multiprocessing.get_context("fork")
    process = context.Process(target=_parse_ahead, args=(shelf, lock, context.Event(), [texts[:1], texts[1:2]], Settings()))
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0
    assert not list(tmp_path.glob("task-*"))  # nothing claimed, nothing parsed: the workers do it all


def test_parse_ahead_removes_its_shelf_and_ends_when_the_brief_is_killed(tmp_path):
    """SIGKILL skips every clean-up of the brief; the orphaned process must not parse on or leave files."""
    import signal
    import subprocess
    import sys
    import time

    texts = _texts()
    script = (
        "import os, signal, sys\n"
        "from crosswire.parse_ahead import ParseAhead\n"
        "from crosswire.settings import Settings\n"
        f"texts = {texts!r}\n"
        "ahead = ParseAhead([texts] * 200, Settings())\n"  # minutes of parsing if nothing stops it
        "print(ahead.shelf.folder, ahead.process.pid, flush=True)\n"
        "while not any(n.endswith('.spacy') for n in os.listdir(ahead.shelf.folder)):\n"
        "    pass\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-800:]
    folder, pid = proc.stdout.split()
    deadline = time.monotonic() + 120
    while os.path.exists(folder) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not os.path.exists(folder)
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(pid), f"parse-ahead process {pid} still runs"


def _running(pid: str) -> bool:
    # An orphan that ended is a zombie until whatever adopted it reaps it: that counts as ended.
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
