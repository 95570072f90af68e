"""Alignment: which sentences of other articles state the same content."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosswire.compare.align import SAME_CONTENT, align, similarity, supporting, terms
from crosswire.records import Article, Sentence
from crosswire.segment import split_article

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def _article(prefix: str) -> Article:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return Article(id=prefix, text=path.read_text(encoding="utf-8"))


def _sent(article: str, text: str, index: int = 0) -> Sentence:
    return Sentence(article, index, 0, len(text), text)


def test_terms_drop_stop_words_and_stem():
    assert terms("The talks were held on Tuesdays, officials said.") == ("talk", "held", "tuesday", "official")


def test_near_verbatim_restatement_is_found_across_seed_articles():
    a1, a3, a4 = _article("001"), _article("003"), _article("004")
    s1 = split_article(a1)
    target = next(s for s in s1 if "highest-ranking US official" in s.text)
    candidates = split_article(a3) + split_article(a4) + s1
    found = supporting(target, candidates, semantic=False)
    assert found, "the 003 restatement must be found"
    assert found[0].article == "003" and "highest-ranking US official to see Putin" in found[0].text
    assert all(f.article != "001" for f in found)  # never its own article
    assert a3.text[found[0].start : found[0].end] == found[0].text


def test_one_best_match_per_article_and_unrelated_sentences_left_out():
    s = _sent("a", "The central bank raised interest rates by half a point on Wednesday.")
    cands = [
        _sent("b", "On Wednesday the central bank raised its interest rates by half a point.", 0),
        _sent("b", "The central bank raised rates.", 1),
        _sent("c", "Heavy snow closed schools across the region.", 0),
    ]
    out = supporting(s, cands, semantic=False)
    assert [c.text for c in out] == [cands[0].text]


def test_paraphrase_is_found_with_embeddings():
    # Lavrov's words as two outlets rendered them: same statement, different wording.
    s = next(x for x in split_article(_article("001")) if "constructive matrix" in x.text)
    cands = split_article(_article("003"))
    assert supporting(s, cands, semantic=False) == []  # word overlap alone does not decide...
    found = supporting(s, cands, semantic=True)  # ...the embedding, averaged in, does
    assert len(found) == 1 and "constructive model" in found[0].text


def test_align_matrix_form_and_empty_inputs():
    a = [_sent("a", "Prices of wheat rose sharply in March after the drought."), _sent("a", "Farmers were hit hard.", 1)]
    b = [_sent("b", "Wheat prices rose sharply in March after a drought.")]
    assert similarity([], [x.text for x in b]).shape == (0, 1)
    out = align(a, b, semantic=False)
    assert len(out) == 2 and out[0] == b and out[1] == []
    assert align([], b) == []


@pytest.mark.parametrize("semantic", [False, True])
def test_scores_are_bounded(semantic):
    m = similarity(["Snow fell in Oslo."], ["Snow fell in Oslo.", "Stocks rallied."], semantic=semantic)
    assert m[0, 0] == pytest.approx(1.0) and 0.0 <= m[0, 1] < SAME_CONTENT
