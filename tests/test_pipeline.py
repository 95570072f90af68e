"""The pipeline's own wiring: story analysis in worker processes gives what one process gives."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

from conftest import DATA

from crosswire import nlp, pipeline
from crosswire.settings import Settings


def test_story_workers_change_nothing_but_speed(tmp_path):
    # 40 real articles: past the 32 at which a brief hands whole stories to worker processes.
    source = DATA / "giveme5w1h" / "news_cluster.jsonl"
    sample = tmp_path / "sample.jsonl"
    with source.open(encoding="utf-8") as f:
        sample.write_text("".join(itertools.islice(f, 40)), encoding="utf-8")
    settings = Settings(progress=False)
    times = pipeline.StageTimes()
    # With no embedder loaded yet, a parse-ahead process parses the first tasks while it loads.
    nlp.embedder.cache_clear()
    nlp._bfloat16_embedder.cache_clear()
    assert not nlp.embedder_loaded()
    in_workers = pipeline.brief([sample], replace(settings, parse_processes=2), times=times)
    here = pipeline.brief([sample], replace(settings, parse_processes=1))
    assert len(in_workers.articles) >= 32
    assert pipeline._story_workers(in_workers.stories, settings) == 2
    # Same stories in the same order, with the same summaries, quotes, claims and timeline.
    assert json.dumps([s.to_json() for s in in_workers.stories]) == json.dumps([s.to_json() for s in here.stories])
    assert any(s.summary for s in in_workers.stories)
    # The workers' stage times come back to the caller.
    assert times.seconds.get("parse", 0) > 0 and times.seconds.get("summarize", 0) > 0
