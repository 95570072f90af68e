"""Stories run side by side in one worker: their embeddings are pooled, their results unchanged."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from crosswire import nlp
from crosswire.pipeline import StageTimes
from crosswire.pooling import run_pooled

FIRST = [
    ["The ministers met in Sochi on Tuesday.", "Talks covered sanctions and trade."],
    ["Lavrov said Moscow was ready to improve ties.", "Pompeo raised election interference."],
    ["The meeting lasted three hours.", "Reporters waited outside the residence."],
]
SECOND = [["A second request from the first story."], ["A second request from the second story."], []]


def test_jobs_wait_for_one_shared_round_and_get_their_own_vectors() -> None:
    nlp.forget_embeddings()
    seen_on_resume: list[bool] = []
    order: list[str] = []

    def job(i: int):
        def run():
            order.append(f"start {i}")
            first = nlp.embed(FIRST[i])
            # by the time any job resumes, every job's first texts were embedded in the same round
            seen_on_resume.append(all(t in nlp._embed_cache for texts in FIRST for t in texts))
            second = nlp.embed(SECOND[i]) if SECOND[i] else np.zeros((0, 384), dtype=np.float32)
            order.append(f"end {i}")
            return i, first, second, threading.current_thread() is not threading.main_thread()

        return run

    times = StageTimes()
    results = run_pooled([job(i) for i in range(3)], times)
    assert [r[0] for r in results] == [0, 1, 2]
    assert all(r[3] for r in results)  # each job ran in a thread of its own
    assert seen_on_resume == [True, True, True]
    # jobs ran one at a time, in the given order, each until it needed vectors
    assert order[:3] == ["start 0", "start 1", "start 2"]
    assert times.seconds["embed"] > 0
    for i, (_, first, second, _) in enumerate(results):
        alone = np.stack([nlp.embed([t])[0] for t in FIRST[i]])
        assert first.shape == (2, 384) and (first * alone).sum(axis=1).min() > 0.999
        assert second.shape == (len(SECOND[i]), 384)


def test_a_failing_job_stops_alone_and_its_error_is_raised_after_the_others_finish() -> None:
    nlp.forget_embeddings()
    finished: list[int] = []

    def good(i: int):
        def run():
            nlp.embed([f"Sentence number {i} about the summit in Washington."])
            finished.append(i)
            return i

        return run

    def bad():
        nlp.embed(["A sentence before the failure."])
        raise ValueError("story analysis failed")

    with pytest.raises(ValueError, match="story analysis failed"):
        run_pooled([good(0), bad, good(2)])
    assert sorted(finished) == [0, 2]
    assert not [t for t in threading.enumerate() if t.name.startswith("crosswire-job-")]


def test_cached_texts_do_not_wait_for_a_round() -> None:
    nlp.embed(["Already known sentence."])
    rounds = StageTimes()
    assert run_pooled([lambda: nlp.embed(["Already known sentence."]).shape], rounds) == [(1, 384)]
    assert "embed" not in rounds.seconds
