"""The Ray engine gives the local engine's results: same articles, texts, failures, stories, ids.

Runs on a real local Ray instance (2 CPUs, started once for the module). Skipped only when the
optional `ray` extra is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from crosswire import api, pipeline
from crosswire.settings import Settings
from crosswire.store import Store

ray = pytest.importorskip("ray", reason="the optional ray extra is not installed (pip install -e .[ray])")

from crosswire.engines import local, ray_engine, ray_group  # noqa: E402

NEWS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "giveme5w1h" / "news_cluster.jsonl"


@pytest.fixture(scope="module", autouse=True)
def ray_session():
    if not ray.is_initialized():
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            object_store_memory=200 * 1024 * 1024,
            log_to_driver=False,
            _system_config=ray_engine.SYSTEM_CONFIG,
        )
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def local_news(settings):
    return api.stories([NEWS], settings, engine="local")


def test_stories_identical_on_news_cluster(settings, local_news):
    got = api.stories([NEWS], settings, engine="ray")
    assert len(local_news.articles) > 300
    assert [a.id for a in got.articles] == [a.id for a in local_news.articles]
    assert [a.text for a in got.articles] == [a.text for a in local_news.articles]
    assert got.articles == local_news.articles  # every field, titles and removed furniture included
    assert got.failures == local_news.failures
    assert got.stories == local_news.stories
    assert got.storylines == local_news.storylines


def test_distributed_grouping_identical(settings, local_news):
    grouping = ray_engine.group(list(local_news.articles), settings)
    assert grouping.stories == local_news.stories
    assert grouping.storylines == local_news.storylines
    assert len(grouping.stories) > len(grouping.storylines) > 10


def test_ann_candidates_identical():
    """Above EXACT_MAX the candidates come from HNSW; sharded queries must give the same edges."""
    from scipy import sparse

    from crosswire.group import space as S

    rng = np.random.default_rng(0)
    n, vocab = S.EXACT_MAX + 500, 2000
    # Documents drawn around 300 topics, so there are real neighbours to find.
    topics = rng.integers(0, vocab, size=(300, 12))
    rows, cols = [], []
    for i in range(n):
        words = np.concatenate([topics[i % 300], rng.integers(0, vocab, size=6)])
        rows += [i] * len(words)
        cols += words.tolist()
    m = S.normalize_rows(sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, vocab)))
    terms = [f"t{i}" for i in range(vocab)]
    expected = S.candidate_pairs(m, terms)
    assert len(expected) > n
    assert ray_group.candidate_pairs(m, terms) == expected


def test_failures_and_order_across_file_kinds(tmp_path, settings):
    """Files read on workers and records read on the driver come back in input order, failures too."""
    folder = tmp_path / "in"
    folder.mkdir()
    body = "The council met on Tuesday in Leeds to vote on the budget. It passed by a wide margin after a long debate."
    (folder / "a.txt").write_text(body)
    (folder / "b.html").write_text(f"<html><body><article><h1>Budget vote</h1><p>{body}</p></article></body></html>")
    (folder / "c.txt").write_text(body)  # same text as a.txt: a duplicate failure
    (folder / "d.jsonl").write_text(
        json.dumps({"id": "j1", "text": body.replace("Leeds", "York")}) + "\nnot json\n" + json.dumps({"id": "j2"}) + "\n"
    )
    (folder / "e.txt").write_bytes(b"\xff\xfe\x00\x00binary\x00\x00")
    (folder / "f.md").write_text("# Short\n\nToo short.")
    inputs = [folder, tmp_path / "missing.txt"]
    expected = pipeline.load(inputs, settings)
    assert len(expected[1]) >= 4
    assert ray_engine.load(inputs, settings) == expected


def test_model_stages_match_local(settings, local_news):
    arts = list(local_news.articles[:40])
    path = Path("few.jsonl")
    path.write_text("".join(json.dumps({"id": a.id, "text": a.text, "title": a.title}) + "\n" for a in arts))
    want = local.ingest_features([path], settings, ("split", "embed", "entities"))
    got = ray_engine.ingest_features([path], settings, ("split", "embed", "entities"))
    assert got[0] == want[0] and got[1] == want[1]
    assert [f.article for f in got[2]] == [a.id for a in got[0]]
    for g, w in zip(got[2], want[2], strict=True):
        assert g.sentences == w.sentences and g.entities == w.entities
        # Same model, same text; batching may differ, so allow float noise only.
        assert float(g.vector @ w.vector) > 0.999


def _kill_first(pattern: str, done: threading.Event, killed: list[int]) -> None:
    """SIGKILL the first process whose title (Ray names workers after their task) contains `pattern`."""
    while not done.is_set():
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cmd = (proc / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if pattern in cmd:
                os.kill(int(proc.name), signal.SIGKILL)
                killed.append(int(proc.name))
                return
        time.sleep(0.005)


def _with_killer(pattern: str, run):
    done, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_first, args=(pattern, done, killed))
    killer.start()
    try:
        result = run()
    finally:
        done.set()
        killer.join()
    assert killed, f"no {pattern} worker was seen running"
    return result


def test_killed_read_worker_nothing_lost_or_stored_twice(tmp_path, settings, monkeypatch):
    """SIGKILL a read/clean task's worker during `ingest --engine ray`: the store ends up as local's."""
    monkeypatch.setattr(ray_engine, "RECORDS_PER_UNIT", 8)  # many short units, so the kill lands mid-run
    db_local, db_ray = tmp_path / "local.db", tmp_path / "ray.db"
    want = api.ingest([NEWS], settings, db_local)
    got = _with_killer("read_prepare", lambda: api.ingest([NEWS], settings, db_ray, engine="ray"))
    assert (got.added, got.total, got.failures) == (want.added, want.total, want.failures)
    with Store(db_local) as a, Store(db_ray) as b:
        assert b.articles() == a.articles()
        assert b.article_count() == want.added
        assert b.failures() == a.failures()
        assert b.stories() == a.stories()


def test_killed_model_actor_is_restarted(settings, local_news, monkeypatch):
    """SIGKILL a model actor mid-run: Ray restarts it, its unit is redone, every article comes back once."""
    monkeypatch.setattr(ray_engine, "RECORDS_PER_UNIT", 8)
    articles, failures, features = _with_killer(
        "_FeatureActor", lambda: ray_engine.ingest_features([NEWS], settings, ("split",))
    )
    assert tuple(articles) == local_news.articles
    assert tuple(failures) == local_news.failures
    assert [f.article for f in features] == [a.id for a in articles]
    assert all(f.sentences for f in features)
