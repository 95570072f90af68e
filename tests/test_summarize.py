"""The story summarizer: cited, budgeted, non-redundant extracts."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.compare.align import tfidf
from crosswire.records import Article, Sentence
from crosswire.segment import split_article
from crosswire.settings import Settings
from crosswire.summarize import summarize
from crosswire.summarize.select import REDUNDANT, restated

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def _seed(prefix: str) -> Article:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return Article(id=prefix, text=path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sochi():
    """The three seed reports of the Sochi meeting (gold story sochi-2019-05-14)."""
    arts = [_seed("001"), _seed("003"), _seed("004")]
    return arts, {a.id: split_article(a) for a in arts}


def _run(arts, sents, words, **kw):
    return summarize(arts, sents, words, Settings(), **kw)


def _check_citations(arts, summary):
    by_id = {a.id: a for a in arts}
    for s in summary:
        origin = s.citations[0]
        assert by_id[origin.article].text[origin.start : origin.end] == s.text
        for c in s.citations:
            segment = by_id[c.article].text[c.start : c.end]
            assert segment and segment == segment.strip()
            assert any(x.start == c.start and x.end == c.end for x in split_article(by_id[c.article]))
        assert len({c.article for c in s.citations}) == len(s.citations)  # one citation per article
    # No summary sentence backs another one: that would make the two restatements of each other.
    origins = {(s.citations[0].article, s.citations[0].start) for s in summary}
    for s in summary:
        assert not any((c.article, c.start) in origins for c in s.citations[1:])


@pytest.mark.parametrize("semantic", [False, True])
def test_every_citation_slices_to_a_sentence(sochi, semantic):
    arts, sents = sochi
    summary = _run(arts, sents, 120, semantic=semantic)
    assert summary
    _check_citations(arts, summary)


def test_restated_sentence_cites_every_article_stating_it(sochi):
    # 001 and 003 both say Pompeo is the highest-ranking US official to see Putin since last July.
    # With room for the whole story that fact must be in the summary once, citing both articles.
    arts, sents = sochi
    summary = _run(arts, sents, 2000, semantic=False)
    hits = [s for s in summary if "highest-ranking US official" in s.text]
    assert len(hits) == 1
    assert {"001", "003"} <= {c.article for c in hits[0].citations}
    assert any(len(s.citations) >= 2 for s in _run(arts, sents, 120))


@pytest.mark.parametrize("words", [25, 60, 120, 260])
def test_budget_respected_and_no_redundant_pair(sochi, words):
    arts, sents = sochi
    summary = _run(arts, sents, words, semantic=False)
    assert sum(len(s.text.split()) for s in summary) <= words
    assert summary or words < 25
    vecs = tfidf([s.text for s in summary])
    for i, j in itertools.combinations(range(len(summary)), 2):
        assert (vecs[i] @ vecs[j].T).toarray()[0, 0] <= REDUNDANT + 1e-9


def test_no_questions_bylines_or_furniture():
    text = (
        "By Jane Roe and John Doe\n"
        "advertisement\n"
        "The city council approved the new transit budget on Monday after a long debate over bus routes. "
        "What does this mean for commuters? "
        "Click here to subscribe to our newsletter for more stories like this one. "
        "The budget adds twelve bus lines and extends service hours on weekends across the city.\n"
        "Photo: A bus waits at the central station in the early morning light today.\n"
        "Officials said the plan would be paid for by a small increase in parking fees downtown."
    )
    art = Article(id="x", text=text)
    summary = summarize([art], {"x": split_article(art)}, 200, Settings(), semantic=False)
    texts = [s.text for s in summary]
    assert texts and all(not t.endswith("?") for t in texts)
    assert not any(t.startswith(("By ", "Click", "Photo")) or t == "advertisement" for t in texts)
    assert any(t.startswith("The city council approved") for t in texts)


def test_single_article_cites_only_itself():
    art = _seed("002")
    summary = summarize([art], {art.id: split_article(art)}, 80, Settings())
    assert summary
    assert all([c.article for c in s.citations] == ["002"] for s in summary)
    _check_citations([art], summary)


def test_one_article_is_summarized_in_its_own_order():
    # The second paragraph is what the story's words are about; a one-article story still opens with
    # the lead and keeps the article's order, skipping only what the prose filters drop.
    text = (
        "The harbour authority reopened the north pier on Monday after repairs.\n\n"
        "Harbour workers said harbour traffic through the harbour and the harbour pier would double in the harbour season.\n\n"
        "Photo: the pier at dawn\n\n"
        "Ferries to the islands will resume their summer timetable next week.\n\n"
        "Is the pier safe now?\n\n"
        "Engineers replaced forty concrete piles that had cracked in the winter storms."
    )
    art = Article(id="pier", text=text)
    sents = {"pier": split_article(art)}
    summary = summarize([art], sents, 45, Settings())
    starts = [s.citations[0].start for s in summary]
    assert summary[0].text.startswith("The harbour authority reopened")
    assert starts == sorted(starts)
    kept = [x.text for x in sents["pier"] if x.text[0].isupper() and x.text.endswith(".") and len(x.text.split()) >= 6]
    assert [s.text for s in summary] == kept[: len(summary)]


def test_empty_inputs():
    assert summarize([], {}, 120, Settings()) == ()
    art = Article(id="e", text="Too short.")
    assert summarize([art], {"e": split_article(art)}, 120, Settings()) == ()
    assert summarize([art], {}, 120, Settings()) == ()
    assert summarize([_seed("001")], {"001": split_article(_seed("001"))}, 0, Settings()) == ()


def test_reading_order_puts_the_gist_first(sochi):
    arts, sents = sochi
    summary = _run(arts, sents, 120, semantic=False)
    index = {(c.article, c.start): c for s in summary for c in s.citations}
    assert index  # and the first sentence is an opening sentence of some article
    first = summary[0].citations
    assert any(next(x for x in sents[c.article] if x.start == c.start).index <= 1 for c in first)


def test_restated_marks_the_lower_ranked_of_two_paraphrases():
    a0, a1, b0 = (Sentence("a", 0, 0, 10, "x" * 10), Sentence("a", 1, 11, 20, "y" * 9), Sentence("b", 0, 0, 9, "z" * 9))
    assert restated([a0, b0, a1], [[b0], [a0], []]) == {1}  # b0 restates a0, which ranks higher
    assert restated([a0, a1], [[], []]) == set()


def test_learned_scorer_ships_and_reads_every_feature(sochi):
    # The shipped model must name only features that exist, with one raw and one rescaled weight each,
    # and give every candidate a finite score (a renamed feature would otherwise silently misalign).
    import json

    from crosswire.summarize.features import FEATURES, candidates
    from crosswire.summarize.scoring import MODEL, learned, score

    spec = json.loads(MODEL.read_text(encoding="utf-8"))
    assert set(spec["features"]) <= set(FEATURES)
    assert len(spec["raw"]) == len(spec["unit"]) == len(spec["features"])
    arts, sents = sochi
    cands = candidates(arts, sents)
    assert np.isfinite(learned(cands)).all() and len(learned(cands)) == len(cands.sentences)
    assert np.isfinite(score(cands)).all()
    first = cands.features[:, FEATURES.index("first")]
    assert all(f == (s.index == 0) for f, s in zip(first, cands.sentences, strict=True))


def _toy(texts, vectors):
    from scipy import sparse

    from crosswire.compare.align import terms
    from crosswire.summarize.features import FEATURES, Candidates, article_spread

    sents = tuple(Sentence(art, i, 100 * i, 100 * i + len(t), t) for i, (art, t) in enumerate(texts))
    return Candidates(sents, sparse.csr_matrix(np.array(vectors, dtype=float)), np.zeros((len(texts), len(FEATURES))),
                      np.array([len(t.split()) for _, t in texts], dtype=float),
                      article_spread([terms(t) for _, t in texts], [a for a, _ in texts]))


FLOOD = [
    ("a", "Flood waters closed the river bridge on Monday morning."),
    ("a", "Flood waters closed the river bridge again on Monday."),
    ("a", "Rescue crews evacuated three hundred families overnight."),
    ("b", "Rescue crews evacuated families from the flooded town."),
    ("c", "Crews evacuated families as rescue boats arrived."),
]


def test_pick_prefers_a_sentence_that_adds_what_other_outlets_report():
    from crosswire.summarize.select import pick

    scores = np.array([1.0, 0.8, 0.75, 0.0, 0.0])
    # Room for two sentences. The runner-up by score restates the first one's words; the next one
    # adds the evacuation, which two other outlets report: new information wins the second place.
    assert [s.index for s in pick(_toy(FLOOD, np.eye(5)), scores, 18)] == [0, 2]
    # ... unless it repeats a chosen sentence, or is excluded; then the score decides.
    same = np.eye(5)
    same[2] = same[0]
    assert [s.index for s in pick(_toy(FLOOD, same), scores, 18)] == [0, 1]
    assert [s.index for s in pick(_toy(FLOOD, np.eye(5)), scores, 18, exclude=frozenset({2}))] == [0, 1]


_FURNITURE_PIECES = ["Click", "here", "to", "SUBSCRIBE", "share", "this", "Photo:", "(AP", "e-mail", "comments",
                     "below", "Terms", "of", "Use", "www.", "x.com", "@", "©", "ſ", "K", "İ", "The", "minister", "said", ".",
                     "video", "shown", "here", "pictured", "above", "Below", "is", "a", "zero"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FURNITURE_PIECES) | st.text(max_size=6), max_size=12), st.sampled_from([" ", "", "  "]))
def test_boilerplate_hints_never_miss_a_regex_match(pieces, glue):
    from crosswire.summarize.features import _BOILERPLATE, is_boilerplate

    text = glue.join(pieces)
    assert is_boilerplate(text) == bool(_BOILERPLATE.search(text))


def test_bylines_and_calls_to_action_are_furniture_but_reporting_is_not():
    from crosswire.summarize.features import is_boilerplate, is_byline

    for line in ("By Sarah Fitzmaurice", "By Jane Roe, Staff Writer", "By Slaven Vlasic/Getty Images.",
                 "Updated at 9:23 a.m. to correct the name of the driver."):
        assert is_byline(line), line
    for line in ("By the end of the war, the shelters were full.", "By Friday, he was tweeting about it.",
                 "By Monday, officials had reopened the road.", "By 17, he was living on the street."):
        assert not is_byline(line), line
    assert is_boilerplate("Enter your email address to get the newsletter.")
    assert is_boilerplate("E-mail this story to a friend.")
    assert not is_boilerplate("The escort was handled as a reimbursable detail, she said in an e-mail.")
    assert not is_boilerplate("The probe into Hillary Clinton's email server angered them.")
    # the page pointing at its own parts, which a summary does not have
    assert is_boilerplate("The video shown here explains the condition and can be shared with friends.")
    assert is_boilerplate("Below is the full text of the letter, in translation.")
    assert is_boilerplate("The officers are pictured above at the ceremony.")
    assert not is_boilerplate("Temperatures were shown below zero on the station's gauges all week.")
    assert not is_boilerplate("The river stayed below the flood mark, and the bridge above it reopened.")
