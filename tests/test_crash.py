"""Kill `crosswire ingest` with SIGKILL at random points, run it again: nothing lost, nothing twice."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA

NEWS = DATA / "giveme5w1h" / "news_cluster.jsonl"
CLI = [sys.executable, "-m", "crosswire.cli"]


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # schema not created yet


def _assert_consistent(db: Path) -> None:
    with sqlite3.connect(db, timeout=5) as conn:
        orphans = conn.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id WHERE sa.story_id IS NULL"
        ).fetchone()[0]
        dangling = conn.execute(
            "SELECT COUNT(*) FROM story_articles sa LEFT JOIN stories s ON s.id = sa.story_id WHERE s.id IS NULL"
        ).fetchone()[0]
    assert orphans == 0, "an article was stored without a story"
    assert dangling == 0, "an assignment points at a story that does not exist"


def _ingest(db: Path) -> subprocess.Popen:
    env = {**os.environ, "CROSSWIRE_PROGRESS": "0"}
    return subprocess.Popen([*CLI, "ingest", str(NEWS), "--db", str(db), "-q"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)


@pytest.mark.slow
def test_sigkill_during_ingest_loses_nothing(tmp_path):
    rng = random.Random(7)
    db = tmp_path / "crash.db"
    kills = 0
    for _round in range(4):
        before = _count(db)
        proc = _ingest(db)
        # Wait until this run has stored something new (or finished), then kill at a random moment.
        deadline = time.monotonic() + 240
        while proc.poll() is None and _count(db) <= before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.4))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        _assert_consistent(db)
    assert kills >= 2, "the ingest finished before it could be killed; the test proved nothing"
    final = _ingest(db)
    _, err = final.communicate(timeout=600)
    assert final.returncode == 0, err.decode()[-500:]
    # The reference: the same input ingested once, without interruption.
    ref = tmp_path / "ref.db"
    ref_proc = _ingest(ref)
    ref_proc.communicate(timeout=600)
    out = subprocess.run([*CLI, "stories", "--db", str(db), "--format", "json", "-q"], capture_output=True, text=True,
                         check=True)
    stories = json.loads(out.stdout)["stories"]
    listed = [a for s in stories for a in s["articles"]]
    with sqlite3.connect(ref) as conn:
        expected = {r[0] for r in conn.execute("SELECT id FROM articles")}
    assert len(listed) == len(set(listed)), "an article is listed in two stories"
    assert set(listed) == expected, "articles lost or added across the crashes"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(expected)
