"""Streaming ingest into the store: batches are committed as they fill, repeats are caught in-stream."""

from __future__ import annotations

import json

import pytest

from crosswire import api, pipeline
from crosswire.ingest_store import BATCH, ingest_stream
from crosswire.records import Article, Failure
from crosswire.settings import Settings
from crosswire.store import Store

_PLACES = ["Lyon", "Porto", "Gdansk", "Tartu", "Bergen", "Split", "Ghent", "Cork", "Turku", "Brno"]


def _article(i: int) -> Article:
    place = _PLACES[i % len(_PLACES)]
    text = (
        f"Firefighters in {place} put out a warehouse fire on day {i} of the month, officials said. "
        f"The blaze at unit {i} started before dawn and no one was hurt. Report number {i}."
    )
    return Article(f"a{i}", text, title=f"Warehouse fire {i} in {place}", source="example.org")


def test_batches_are_stored_as_the_stream_goes(tmp_path):
    db = tmp_path / "news.db"

    def stream_that_breaks():
        for i in range(BATCH + 6):
            yield _article(i)
        raise RuntimeError("the input went away")

    with Store(db) as store, pytest.raises(RuntimeError):
        ingest_stream(store, stream_that_breaks(), Settings())
    with Store(db) as store:
        # The full batch was committed before the stream broke; the partial one was not.
        assert store.article_count() == BATCH
    with Store(db) as store:
        again = ingest_stream(store, (_article(i) for i in range(BATCH + 6)), Settings())
    assert again.added == 6 and again.total == BATCH + 6
    assert {a for a, story, _ in again.assignments if story} == {f"a{i}" for i in range(BATCH, BATCH + 6)}


def test_failures_in_the_stream_are_kept_in_order(tmp_path):
    items = [_article(0), Failure("bad.html", "no article text"), _article(1)]
    with Store(tmp_path / "news.db") as store:
        result = ingest_stream(store, iter(items), Settings())
    assert result.added == 2
    assert [f.input for f in result.failures] == ["bad.html"]


def test_ingest_reads_lazily_and_catches_repeats(tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [{"id": f"r{i}", "text": _article(i % 3).text, "title": f"t{i}"} for i in range(5)]
    src.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    stream = pipeline.iter_load([src], Settings())
    first = next(stream)  # one item without reading the rest
    assert isinstance(first, Article) and first.id == "r0"
    rest = list(stream)
    assert [type(x).__name__ for x in rest] == ["Article", "Article", "Failure", "Failure"]
    assert "duplicate of article 'r0'" in rest[2].reason
    # The CLI's path: the same file through api.ingest stores the three distinct texts once.
    result = api.ingest([src], Settings(progress=False), tmp_path / "news.db")
    assert (result.added, len(result.failures)) == (3, 2)


def test_batches_grow_with_the_store_up_to_a_cap():
    from crosswire.ingest_store import MAX_BATCH, batch_limit

    sizes = [batch_limit(n) for n in (0, 1_000, 10_000, 100_000, 10_000_000)]
    assert sizes[0] == BATCH and sizes == sorted(sizes) and sizes[-1] == MAX_BATCH
    assert sizes[2] > BATCH  # a store of 10k articles no longer commits 64 at a time
