"""Stories analysed side by side: shared embedding rounds, results in order, failures surfaced."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from crosswire import lockstep, nlp
from crosswire.pipeline import StageTimes

SENTENCES = [
    "The foreign ministers met in Sochi on Tuesday.",
    "Lavrov said the talks had been constructive.",
    "Pompeo urged Moscow to stop meddling in elections.",
    "The two sides agreed to keep talking about arms control.",
    "Prices of crude oil rose for a third day.",
    "A storm closed schools across the region.",
]


@pytest.fixture
def rounds_seen(monkeypatch):
    """The texts of every call that reaches the model (the real embedder still runs)."""
    calls: list[list[str]] = []
    real = nlp.embed_now

    def counted(texts, batch_size=64):
        calls.append(list(texts))
        return real(texts, batch_size)

    monkeypatch.setattr(nlp, "embed_now", counted)
    return calls


def _story(texts_per_step):
    def job(times):
        out = []
        for texts in texts_per_step:
            with times.stage("work"):
                out.append(nlp.embed(texts))
        return out

    return job


def test_each_round_embeds_every_waiting_story_in_one_call(rounds_seen):
    nlp.forget_embeddings()
    jobs = [_story([SENTENCES[0:2], SENTENCES[4:5]]), _story([SENTENCES[2:4]]), _story([])]
    times = StageTimes()
    results = lockstep.analyze_together(jobs, times)
    # Round 1: the first step of the two stories that embed; round 2: the first story's second step.
    assert rounds_seen == [SENTENCES[0:4], SENTENCES[4:5]]
    assert [len(r) for r in results] == [2, 1, 0]
    # Each story gets the vectors of its own texts, as the model gives them.
    nlp.forget_embeddings()
    assert np.allclose(results[0][0], nlp.embed_now(SENTENCES[0:2]), atol=2e-3)
    assert np.allclose(results[1][0], nlp.embed_now(SENTENCES[2:4]), atol=2e-3)
    # The rounds are timed as "embed", and left out of the stage that waited for them.
    assert times.cpu_seconds["embed"] > 0 and "work" in times.cpu_seconds


def test_rounds_do_not_depend_on_thread_timing(rounds_seen):
    # A story that computes longer before asking still joins the same round as the quick one.
    def slow(times):
        threading.Event().wait(0.2)
        return nlp.embed(SENTENCES[3:6])

    for _ in range(2):
        nlp.forget_embeddings()
        lockstep.analyze_together([_story([SENTENCES[0:3]]), slow], StageTimes())
    assert rounds_seen == [SENTENCES[0:3] + SENTENCES[3:6]] * 2


def test_a_failing_story_raises_and_the_others_still_finish():
    finished = []

    def fails(times):
        raise ValueError("bad story")

    def embeds(times):
        vectors = nlp.embed(SENTENCES[:2])
        finished.append(len(vectors))
        return vectors

    with pytest.raises(ValueError, match="bad story"):
        lockstep.analyze_together([embeds, fails, embeds], StageTimes())
    assert finished == [2, 2]


def test_a_failing_round_fails_its_stories_instead_of_hanging():
    # A text the tokenizer refuses makes the whole round fail: both stories in it must end with an error.
    jobs = [_story([[12345]]), _story([SENTENCES[1:2]])]
    with pytest.raises((TypeError, ValueError, RuntimeError)):
        lockstep.analyze_together(jobs, StageTimes())


def test_embed_outside_lockstep_is_not_routed():
    nlp.forget_embeddings()
    assert nlp.embed(SENTENCES[:2]).shape == (2, 384)


def test_nested_stage_is_counted_once():
    times = StageTimes(thread_clock=True)
    start = time.thread_time()
    with times.stage("outer"):
        sum(range(200_000))
        with times.stage("inner"):
            sum(range(2_000_000))
    whole = time.thread_time() - start
    assert times.seconds["inner"] > times.seconds["outer"] > 0
    assert times.seconds["inner"] + times.seconds["outer"] == pytest.approx(whole, abs=0.01)
