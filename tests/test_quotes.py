"""Quotes: attribution spans, speakers and cross-outlet links, on the seed articles and small cases."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crosswire.quotes import extract_quotes, link_same_statements
from crosswire.quotes.marks import find_quotes
from crosswire.records import Article
from crosswire.settings import Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))


def _clean(article: Article) -> Article:
    try:
        from crosswire.clean import clean_article
    except ImportError:  # the cleaner is another stage; without it the raw text is used
        return article
    out = clean_article(article, Settings())
    return out if isinstance(out, Article) else article


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    arts = {}
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        art = Article(id=path.name[:3], text=path.read_text(encoding="utf-8"), origin=str(path))
        arts[art.id] = _clean(art)
    return arts


@pytest.fixture(scope="module")
def seed_quotes(seeds):
    return extract_quotes(list(seeds.values()), Settings())


MAX_QUOTE_CHARS = 400


def _norm(s: str) -> str:
    s = s.lower()
    s = re.sub("[\u2018\u2019\u201c\u201d\"'\u00ab\u00bb]", "'", s)
    s = re.sub("[\u2014\u2013-]+", "-", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip(" ,.;:'-")


def _found(gold_text: str, quote_text: str) -> bool:
    g, p = _norm(gold_text), _norm(quote_text)
    # The gold words are the quote, or sit inside the reported clause that carries them (a
    # fragment like "don't benefit anyone" is reported within its sentence), or nearly all of them
    # are the quote. MAX_QUOTE_CHARS keeps a whole-article span from "finding" everything.
    return (g in p and len(p) <= MAX_QUOTE_CHARS) or (p in g and len(p) >= 0.8 * len(g))


def _same_person(a: str | None, b: str) -> bool:
    # spellings differ between outlets ("Sergey"/"Sergei"): same surname and first initial
    return bool(a) and a.split()[-1] == b.split()[-1] and a[0] == b[0]


def _quotes(text: str, **kw) -> list:
    return extract_quotes([Article(id="t", text=text, **kw)], Settings())


def _speaker(text: str, content_start: str):
    """The one quote of `text` whose content starts so: (its speaker, its mention's words)."""
    (q,) = [q for q in _quotes(text) if q.text.startswith(content_start)]
    return q.speaker, text[q.speaker_span.start : q.speaker_span.end] if q.speaker_span else None


def test_seed_gold_quotes_recall_with_right_speaker(seed_quotes):
    wanted = [(g, d) for g in GOLD["quotes"] for d in g["docs"]]
    hits = [
        (g, d)
        for g, d in wanted
        if any(
            q.article == d and _same_person(q.speaker, g["speaker"]) and _found(g["text"], q.text)
            for q in seed_quotes
        )
    ]
    missed = [(g["speaker"], g["text"][:50], d) for g, d in wanted if (g, d) not in hits]
    assert len(hits) / len(wanted) >= 0.9, missed


def test_spans_are_exact_and_no_boilerplate(seeds, seed_quotes):
    assert seed_quotes
    for q in seed_quotes:
        text = seeds[q.article].text
        assert text[q.start : q.end] == q.text
        if q.speaker_span is not None:
            assert 0 <= q.speaker_span.start < q.speaker_span.end <= len(text)
        if q.cue is not None:  # the cue's offsets slice the cue out of the same text
            assert q.cue_span is not None and text[q.cue_span.start : q.cue_span.end] == q.cue
        for junk in GOLD["boilerplate"]["strings"]:
            assert junk.lower() not in q.text.lower()


@pytest.mark.parametrize(
    "open_, close",
    [
        ('"', '"'),
        ("\u201c", "\u201d"),
        ("'", "'"),
        ("\u2018", "\u2019"),
        ("\u00ab", "\u00bb"),
        ("\u201e", "\u201c"),
    ],
)
def test_each_quote_style(open_, close):
    text = f"Sergei Lavrov met reporters. {open_}We are ready to extend the treaty,{close} Lavrov said on Tuesday."
    qs = [q for q in _quotes(text) if q.direct]
    assert [q.text for q in qs] == ["We are ready to extend the treaty,"]
    assert qs[0].speaker == "Sergei Lavrov"
    assert text[qs[0].speaker_span.start : qs[0].speaker_span.end] == "Lavrov"


def test_marks_keep_apostrophes_out():
    text = "He said it\u2019s Russia\u2019s \u2018final offer\u2019 and the Russians\u2019 view."
    assert [text[q.start : q.end] for q in find_quotes(text)] == ["final offer"]


def test_split_quote_and_pronoun_and_told():
    text = (
        "Russian Foreign Minister Sergei Lavrov met Secretary of State Mike Pompeo in Sochi. "
        "\u201cWe see that there are suspicions and prejudices,\u201d Lavrov told Pompeo. "
        "\u201cThis hinders both your security and our security.\u201d "
        "He added: \u201cWe are ready to do that if our US colleagues are ready to reciprocate.\u201d"
    )
    qs = [q for q in _quotes(text) if q.direct]
    # a quote split by its attribution may come back whole (PolNeAR's convention) or in halves
    for part in (
        "We see that there are suspicions and prejudices,",
        "This hinders both your security and our security.",
    ):
        holder = [q for q in qs if part in q.text]
        assert holder and holder[0].speaker == "Sergei Lavrov" and holder[0].cue == "told"
        assert text[holder[0].speaker_span.start : holder[0].speaker_span.end] == "Lavrov"
    added = next(
        q for q in qs if q.text == "We are ready to do that if our US colleagues are ready to reciprocate."
    )
    assert added.speaker == "Sergei Lavrov" and added.cue == "added"
    assert text[added.speaker_span.start : added.speaker_span.end] == "He"


def test_indirect_speech_and_role_noun():
    text = (
        "Russian Foreign Minister Sergei Lavrov and U.S. Secretary of State Mike Pompeo met in Washington. "
        "The Russian diplomat said that Moscow is prepared to extend the New START treaty. "
        "Pompeo said the United States wants a better relationship with Russia."
    )
    qs = [q for q in _quotes(text) if not q.direct]
    by_text = {q.text: q for q in qs}
    moscow = next(q for t, q in by_text.items() if t.startswith("that Moscow is prepared"))
    assert moscow.speaker == "Sergei Lavrov" and moscow.cue == "said"
    assert text[moscow.speaker_span.start : moscow.speaker_span.end] == "The Russian diplomat"
    us = next(q for t, q in by_text.items() if t.startswith("the United States wants"))
    assert us.speaker == "Mike Pompeo"


def test_unresolvable_speaker_is_none():
    text = "Officials gathered in the capital. \u201cWe will not back down on this,\u201d he said."
    qs = [q for q in _quotes(text) if q.direct]
    assert len(qs) == 1 and qs[0].speaker is None
    assert text[qs[0].speaker_span.start : qs[0].speaker_span.end] == "he"


def test_fragment_inside_sentence_belongs_to_subject(seed_quotes):
    frag = [q for q in seed_quotes if q.article == "000" and "benefit anyone" in q.text]
    assert frag and all(_same_person(q.speaker, "Sergei Lavrov") for q in frag)


def test_same_as_links_translated_renderings(seed_quotes):
    story = [q for q in seed_quotes if q.article in ("001", "003", "004")]
    linked = link_same_statements(story, [])
    pairs = [g for g in GOLD["quotes"] if "same_statement_as" in g]
    for g in pairs:
        a = [
            i
            for i, q in enumerate(linked)
            if _same_person(q.speaker, g["speaker"]) and _found(g["text"], q.text)
        ]
        b = [i for i, q in enumerate(linked) if _found(g["same_statement_as"], q.text)]
        assert a and b, g["text"]
        assert any(j in linked[i].same_as for i in a for j in b), g["text"]
    # and statements that differ are not linked: no quote is linked to one by another speaker (a
    # surname alone, "Trump", is the same person as "Donald Trump")
    for q in linked:
        for j in q.same_as:
            other = linked[j].speaker
            assert not (q.speaker and other and q.speaker.split()[-1] != other.split()[-1])


def _parse(text: str):
    from crosswire.nlp import spacy_model

    return spacy_model()(text)


def test_object_extents_offered_to_the_model():
    from crosswire.quotes.candidates import generate

    text = (
        "Christie has endorsed Jeb Bush for president. "
        "Sanders has long admired Pope Francis, who preaches a message of social justice."
    )
    spans = {(c.kind, text[c.start : c.end]) for c in generate(_parse(text))}
    # the object with the phrase that completes it, and the bare name without its relative clause
    assert ("dobj_plus", "Jeb Bush for president") in spans
    assert ("dobj_core", "Pope Francis") in spans
    assert ("dobj", "Pope Francis, who preaches a message of social justice") in spans


def test_features_name_the_edge_words_and_how_far_the_cue_is():
    from crosswire.quotes.candidates import generate

    def clause(text):
        (c,) = [c for c in generate(_parse(text)) if c.kind == "ccomp"]
        assert text[c.start : c.end] == "that Moscow is prepared to talk"
        return c.feats

    near = clause("Sergei Lavrov said that Moscow is prepared to talk.")
    far = clause("Sergei Lavrov said at a news conference on Tuesday that Moscow is prepared to talk.")
    for feats in (near, far):
        assert {"ccomp|fw=that", "ccomp|lw=talk", "ccomp|nw=.", "ccomp|cuesent=1", "srcent=PERSON"} <= set(feats)
    assert "ccomp|pw=said" in near and "ccomp|pw=tuesday" in far
    assert "ccomp|cuedist=1" in near and "ccomp|cuedist=7" in far


def test_doc_info_agrees_with_spacy():
    from crosswire.quotes.features import DocInfo

    text = "Officials said on Monday that talks would resume.\n\n\u201cWe are ready,\u201d Lavrov said. It rained."
    doc = _parse(text)
    info = DocInfo(doc, [False] * len(doc), text)
    assert info.head == [t.head.i for t in doc]
    assert [info.lemma(t.i) for t in doc] == [t.lemma_.lower() for t in doc]
    for t in doc:
        d, x = 0, t
        while x.head.i != x.i:
            x, d = x.head, d + 1
        assert info.depth[t.i] == d
        sent = t.sent
        assert info.bare_before[t.i] == all(x.is_punct or x.is_space for x in doc[sent.start : t.i])
        assert info.bare_after[t.i] == all(x.is_punct or x.is_space for x in doc[t.i : sent.end])
    for c0, c1 in ((0, 9), (15, 40), (52, 65)):
        span = doc.char_span(c0, c1, alignment_mode="expand")
        assert info.tokens(c0, c1) == (span.start, span.end)
    assert info.has_mark(50, 56) and not info.has_mark(0, 40)


def test_split_quote_cue_is_outside_every_quotation():
    from crosswire.quotes.candidates import generate

    # the first half's words depend on a verb inside the second half ("is being"): that verb is
    # quoted, the cue is "said"
    text = '\u201cThe benefit of being from North Dakota,\u201d Traynor said, "is being for whoever we want."'
    quotes = [c for c in generate(_parse(text)) if c.kind == "quote"]
    first = next(c for c in quotes if text[c.start : c.end].startswith("The benefit"))
    assert first.cue is not None and first.cue.text == "said"


def test_content_split_by_its_attribution_is_one_candidate():
    from crosswire.quotes.candidates import generate

    text = "Graham weighed in on Sunday. Trump isn't a conservative, he said. \"He's a liberal!\""
    spans = {(c.kind, text[c.start : c.end]) for c in generate(_parse(text))}
    assert ("sandwich", "Trump isn't a conservative, he said. \"He's a liberal!") in spans


def test_pronoun_prefers_main_clause_subject():
    text = (
        "Secretary of State Mike Pompeo arrived in Sochi. "
        "Pompeo said he came to Russia because President Donald Trump is committed to the relationship. "
        "\u201cWe have differences, but we need not be adversaries,\u201d he said."
    )
    qs = [q for q in _quotes(text) if q.text.startswith("We have differences")]
    assert qs and qs[0].speaker == "Mike Pompeo"


def test_pronoun_after_a_described_subject_takes_the_description():
    # the nearest sentence's subject is a role noun; the only name in that sentence is a city object
    text = (
        "U.S. Secretary of State Mike Pompeo and Russian Foreign Minister Sergey Lavrov met in Sochi. "
        "The top U.S. diplomat warned Moscow to make peace with Kyiv. "
        "He said the two sides disagree on Venezuela."
    )
    assert _speaker(text, "the two sides disagree") == ("Mike Pompeo", "He")


def test_pronoun_after_an_unnamed_person_stays_unresolved():
    # "a spokesman" introduces someone new: "he" is that spokesman, not the earlier named one
    text = (
        "Taliban spokesman Zabihullah Mujahid claimed the attack. "
        "A spokesman for the German army in Potsdam said Afghan police responded quickly. "
        "He said that soldiers from a nearby base also came to the scene."
    )
    assert _speaker(text, "that soldiers") == (None, "He")


def test_a_person_described_by_nationality_is_not_named_by_it():
    text = (
        "Elon Musk plans to launch his car on the new rocket. "
        "The 46-year-old South African said that the payload will stay in deep space for a billion years. "
        "The Russians said that the launch was a stunt."
    )
    by_text = {q.text.split()[2]: q.speaker for q in _quotes(text) if q.text.startswith("that")}
    assert by_text == {"payload": None, "launch": "Russians"}  # a group may speak as one; a person is no "South African"


def test_relative_pronoun_after_an_apposition_is_the_named_person():
    text = "Police closed the promenade. Paul Delane, an American who said that he had seen the truck speed up, ran."
    assert _speaker(text, "that he had seen") == ("Paul Delane", "who")  # not "American"


def test_a_joint_statement_names_every_speaker_or_none():
    text = (
        "Russian Foreign Minister Sergei Lavrov met Secretary of State Mike Pompeo in Sochi. "
        "Pompeo and Lavrov said that the talks would go on. "
        "Moscow and Washington's top diplomats said on Tuesday that they were ready to improve ties. "
        "Britain, France and Germany said that the deal must be saved."
    )
    speakers = {q.text.split()[2]: q.speaker for q in _quotes(text) if q.text.startswith("that")}
    assert speakers == {
        "talks": "Mike Pompeo and Sergei Lavrov",  # not Pompeo alone
        "were": None,  # "top diplomats" names nobody, so neither is named
        "deal": "Britain, France and Germany",
    }, speakers


def test_speaker_role_is_how_the_article_introduces_the_speaker():
    text = (
        "Kremlin spokesman Dmitry Peskov said that the visit was routine. "
        "Mark Durbin, a spokesman for the utility, said that the bill was wrong. "
        "Memphis Hustle guard Marquis Teague said that he had done nothing wrong. "
        "U.S. President Donald Trump said that he would meet Putin. "
        "U.S. Special Representative for Iran Brian Hook told reporters that Iran plays a destabilizing role."
    )
    roles = {q.speaker: q.speaker_role for q in _quotes(text)}
    assert roles == {
        "Dmitry Peskov": "Kremlin spokesman",
        "Mark Durbin": "spokesman for the utility",
        "Marquis Teague": None,  # "guard" is not an office or a profession on the list: no guess
        "Donald Trump": "U.S. President",  # the nationality is the role's, not the name's
        "Brian Hook": "U.S. Special Representative for Iran",
    }, roles


def test_a_pronoun_agrees_with_its_antecedent():
    # the sentence's subject is a woman by her first name: "he" is the man beside her
    text = "Mary Smith met John Brown on Monday. He said that the deal was off."
    assert _speaker(text, "that the deal") == ("John Brown", "He")
    # a bare surname read as one bearer (the father) stands for the bearer who fits "she"
    text = (
        "Robert Thurman is a professor. His daughter Uma Thurman is an actress. "
        "Thurman spoke about the film at length. She said that the crash had changed her life."
    )
    assert _speaker(text, "that the crash") == ("Uma Thurman", "She")
    # no bearer of the subject's surname fits "she": which Thurman is meant is unclear, so nobody
    text = "Robert Thurman is a professor. Thurman spoke about the film. She said that the crash changed her life."
    assert _speaker(text, "that the crash") == (None, "She")


def test_statements_are_told_from_other_attributions():
    text = (
        "Secretary of State Mike Pompeo and Foreign Minister Sergei Lavrov met in Sochi on Tuesday. "
        "Pompeo and Lavrov agreed to work to normalize strained relations between their countries. "
        "Asked whether the missile display was timed to coincide with the visit, Kremlin spokesman "
        "Dmitry Peskov insisted that it was a routine visit and not a message to anyone. "
        "Pompeo said that the United States wants a better relationship with Russia. "
        "\u201cWe have differences, but we need not be adversaries,\u201d he said."
    )
    flags = {(q.cue, q.text.split()[0]): q.statement for q in _quotes(text)}
    assert flags == {
        ("agreed", "to"): False,  # an act, not words
        ("Asked", "whether"): False,  # the question put to Peskov, not his words
        ("insisted", "that"): True,
        ("said", "that"): True,
        ("said", "We"): True,  # direct speech
    }


def test_passive_cue_quotes_what_was_said_to_the_source():
    from crosswire.nlp import parse
    from crosswire.quotes.acts import is_statement

    doc = next(parse(["The player was accused of stealing blankets. Lavrov accused Washington of meddling."]))
    passive, active = (t for t in doc if t.lower_ == "accused")
    assert not is_statement(passive, direct=False) and is_statement(active, direct=False)


def test_decode_keeps_one_reading_per_cue():
    from crosswire.quotes.candidates import Candidate
    from crosswire.quotes.model import decode

    doc = _parse("Clinton attacked Rubio for missing votes. Sanders praised Obama.")
    attacked, praised = doc[1], doc[8]
    cands = [
        Candidate(17, 22, "dobj", attacked, None, doc[0], score=0.9),
        Candidate(23, 40, "prep", attacked, None, doc[0], score=0.6),  # same cue, no overlap
        Candidate(58, 63, "dobj", praised, None, doc[7], score=0.7),
    ]
    assert [(c.kind, c.cue.text) for c in decode(cands, 0.5)] == [("dobj", "attacked"), ("dobj", "praised")]


def test_a_parse_of_another_text_is_refused():
    from crosswire.nlp import parse

    text = "Lavrov said talks would go on. “We are ready,” he added."
    other = next(parse(["Pompeo said nothing at all about the talks today."]))
    art = Article(id="a", text=text)
    with pytest.raises(ValueError, match="does not match its cleaned text"):
        extract_quotes([art], Settings(), docs={"a": other})
    own = next(parse([text]))
    found = extract_quotes([art], Settings(), docs={"a": own})
    assert ("Lavrov", "talks would go on") in [(q.speaker, q.text) for q in found]


def test_a_candidate_scores_the_mean_of_the_views_probabilities():
    import gzip
    import math

    from crosswire.quotes.candidates import generate
    from crosswire.quotes.model import MODEL_PATH, load_model, score

    model = load_model()
    weights = json.loads(gzip.decompress(MODEL_PATH.read_bytes()))["weights"]  # as shipped, not as loaded
    views = len(model["views"])
    assert views > 1
    assert all(len(w) == views for w in weights.values())
    cands = generate(_parse("Lavrov said Moscow was ready to talk. “We are open,” he told reporters."))
    assert cands
    score(cands, model)
    for c in cands:
        logits = [sum(weights.get(f, [0.0] * views)[v] for f in c.feats) for v in range(views)]
        expected = sum(1 / (1 + math.exp(-z)) for z in logits) / len(logits)
        assert c.score == pytest.approx(expected, abs=1e-9)
