"""The sentence splitter: exact offsets on news prose, and no surprises on arbitrary text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.records import Article
from crosswire.segment import split_article, split_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_spans(text)]


def test_news_prose_splits_on_sentence_ends():
    text = 'Pompeo arrived on Tuesday. "We are ready," Lavrov said. Will it last? Nobody knows!'
    assert sentences(text) == ["Pompeo arrived on Tuesday.", '"We are ready," Lavrov said.', "Will it last?", "Nobody knows!"]


def test_abbreviations_and_initials_do_not_split():
    text = "Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5 in Washington. J. R. Smith was there too."
    assert sentences(text) == ["Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5 in Washington.", "J. R. Smith was there too."]


def test_us_then_sentence_starter_splits():
    assert sentences("Talks were held in the U.S. The next round is in May.") == [
        "Talks were held in the U.S.",
        "The next round is in May.",
    ]
    assert sentences("The U.S. Secretary of State spoke.") == ["The U.S. Secretary of State spoke."]


def test_newlines_are_paragraph_boundaries_but_hard_wraps_are_not():
    assert sentences("First paragraph without a stop\nSecond paragraph.") == ["First paragraph without a stop", "Second paragraph."]
    assert sentences("a sentence that was\nwrapped by the editor.") == ["a sentence that was\nwrapped by the editor."]


def test_split_article_sentences_match_their_offsets():
    a = Article(id="x", text="One sentence here. Another one there.\nA third.")
    out = split_article(a)
    assert [s.index for s in out] == [0, 1, 2]
    assert all(a.text[s.start : s.end] == s.text and s.article == "x" for s in out)


def _check_spans(text: str) -> None:
    spans = split_spans(text)
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        piece = text[s:e]
        assert piece and piece == piece.strip()
        last = e
    # Nothing but whitespace is left out between sentences.
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(text.split()) == "".join(covered.split())


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_spans_are_valid_on_any_unicode(text):
    _check_spans(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Mr.", "U.S.", "The", "said", ".", "!", "?", "…", '"', "”", ")", " ", "\n", "\n\n", "J.", "p.m.", "A", "a", "1", "—", "\u00a0", "\u2028"]
        ),
        max_size=40,
    )
)
def test_spans_are_valid_on_punctuation_soup(parts):
    _check_spans("".join(parts))


def test_long_paragraphs_split_in_linear_time():
    # Both used to be quadratic (about ten minutes for the first): a long paragraph of short sentences,
    # and a long run of hard-wrapped lines.
    text = "Word. " * 40000
    spans = split_spans(text)
    assert len(spans) == 40000 and text[spans[-1][0] : spans[-1][1]] == "Word."
    assert len(split_spans("word\n" * 50000)) == 1
