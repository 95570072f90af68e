"""Claims: corroborated, single-source and disputed statements, on the seeds and on real outlet pairs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from crosswire.clean import clean_article
from crosswire.compare import find_claims
from crosswire.compare.align import terms
from crosswire.compare.numbers import conflicts, quantities, reconcile
from crosswire.records import Article
from crosswire.segment import split_article
from crosswire.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLD = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_claims():
    arts = {
        p.stem[:3]: clean_article(Article(id=p.stem[:3], text=p.read_text(encoding="utf-8")), Settings())
        for p in sorted((SHARED / "seeds").glob("*.txt"))
    }
    out = {}
    for story in GOLD["stories"]:
        members = [arts[d] for d in story["docs"]]
        sentences = {a.id: split_article(a) for a in members}
        out[story["id"]] = (members, sentences, find_claims(members, sentences, Settings()))
    return arts, out


def _text(arts, c):
    return arts[c.article].text[c.start : c.end]


def test_citations_are_whole_sentences(seed_claims):
    arts, stories = seed_claims
    for _members, sentences, claims in stories.values():
        spans = {(s.article, s.start, s.end) for ss in sentences.values() for s in ss}
        assert claims
        for claim in claims:
            assert claim.status in ("corroborated", "single-source", "disputed")
            assert claim.support
            for c in claim.support + claim.dispute:
                assert 0 <= c.start < c.end <= len(arts[c.article].text)
                assert (c.article, c.start, c.end) in spans
            assert claim.text in {_text(arts, c) for c in claim.support}  # verbatim from one article
            if claim.status == "corroborated":
                assert len({c.article for c in claim.support}) >= 2
            if claim.status == "disputed":
                assert claim.dispute


def test_trade_restatement_is_not_a_dispute(seed_claims):
    arts, stories = seed_claims
    _, _, claims = stories["washington-2019-12-10"]
    trade = [c for c in claims if any("27 billion" in _text(arts, x) for x in c.support + c.dispute)]
    assert trade and all(c.status == "corroborated" for c in trade)
    assert {x.article for c in trade for x in c.support} == {"000", "002"}
    assert "consistent" in (trade[0].note or "")


def test_meeting_denial_is_disputed(seed_claims):
    arts, stories = seed_claims
    _, _, claims = stories["sochi-2019-05-14"]
    disputed = [c for c in claims if c.status == "disputed"]
    texts = [" ".join(_text(arts, x) for x in c.support + c.dispute) for c in disputed]
    assert any("will meet with Putin" in t and "deny" in t for t in texts), texts


def _found(gold, claims, arts):
    want = {
        "corroborated": {"corroborated"},
        "numbers_to_reconcile": {"corroborated"},
        "conflict": {"disputed"},
        "unique": {"single-source"},
    }[gold["kind"]]
    gold_terms = set(terms(gold["text"]))
    for c in claims:
        cited = c.support + c.dispute
        if c.status not in want or not set(gold["docs"]) <= {x.article for x in cited}:
            continue
        said = {t for x in cited for t in terms(_text(arts, x))}
        if 2 * len(gold_terms & said) >= len(gold_terms):
            return True
    return False


def test_gold_claims_recall(seed_claims):
    """A gold claim is found when a claim of its kind cites all its articles and half its words.
    Measured: 7 of 10 (missed: three corroborations worded too differently for the aligner --
    "invited his U.S. counterpart" / "invited Pompeo", the military visit, the Brussels stop)."""
    arts, stories = seed_claims
    found = sum(_found(g, stories[g["story"]][2], arts) for g in GOLD["claims"])
    assert found >= 7, found


def test_one_outlet_never_corroborates_itself():
    text = "The ship struck a bridge on the Rhine and 25 people were injured, police said on Wednesday."
    a = Article("a", text, source="example.com")
    b = Article(
        "b",
        "Police said 25 people were injured when the ship struck a bridge on the Rhine.",
        source="example.com",
    )
    claims = find_claims([a, b], {x.id: split_article(x) for x in (a, b)}, Settings())
    assert all(c.status != "corroborated" for c in claims)
    c2 = Article("c", b.text, source="other.org")
    claims = find_claims([a, c2], {x.id: split_article(x) for x in (a, c2)}, Settings())
    assert [c.status for c in claims][:1] == ["corroborated"]


def test_an_embedded_posts_signature_is_not_a_claim():
    post = (
        "Falcon Heavy to launch next month from Apollo 11 pad at the Cape. Will have double thrust of "
        "next largest rocket. \u2014 Elon Musk (@elonmusk) December 2, 2017"
    )
    arts = [
        Article("a", f"SpaceX plans its largest launch yet from Florida.\n{post}", source="a.com"),
        Article("b", f"The billionaire announced the launch on Twitter.\n{post}", source="b.com"),
    ]
    sentences = {a.id: split_article(a) for a in arts}
    assert any("(@elonmusk)" in s.text for s in sentences["a"])  # the signature is a sentence of its own
    claims = find_claims(arts, sentences, Settings())
    assert claims and not any("(@elonmusk)" in c.text for c in claims)
    assert any(c.status == "corroborated" and "double thrust" in c.text for c in claims)


def test_same_precise_figure_aligns_a_restatement():
    # Two outlets' own words for one settlement: few shared words, the same sum.
    a = Article("a", "Texas will pay $3.4 million to Dan and Fran Keller, who were wrongly imprisoned for two "
                "decades. The couple ran a day care center in Austin in the early 1990s. Their lawyer welcomed "
                "the decision on Monday.", source="one.com")
    b = Article("b", "The Kellers were wrongly imprisoned for 21 years and will now receive $3.4 million from the "
                "state. Prosecutors dropped the charges in 2017. A judge declared them innocent this summer.",
                source="two.org")
    claims = find_claims([a, b], {x.id: split_article(x) for x in (a, b)}, Settings(claims_embed_per_article=0))
    assert [c.status for c in claims][:1] == ["corroborated"]
    # Different sums are no such evidence.
    b2 = Article("b", b.text.replace("$3.4 million", "an apology"), source="two.org")
    claims = find_claims([a, b2], {x.id: split_article(x) for x in (a, b2)}, Settings(claims_embed_per_article=0))
    assert "corroborated" not in [c.status for c in claims]


@pytest.mark.parametrize(
    ("text", "value"),
    [("One hundred and three male patients", 103), ("twenty-five people were hurt", 25), ("a hundred protesters", 100)],
)
def test_spelled_out_counts_read_as_one_value(text, value):
    counts = [q for q in quantities(text) if q.kind == "count"]
    assert [q.value for q in counts] == [value]


@pytest.mark.parametrize(
    ("a", "b", "disputed"),
    [
        ("25 people were injured", "Police say 27 people are injured.", True),
        ("killing at least four civilians", "killing at least six civilians", True),
        ("a 3-year-old boy fell in", "a 17-year-old gorilla grabbed a four-year-old boy", True),
        (
            "grew from $20 billion to $27 billion",
            "increased roughly by 30% and now stands at $27 billion",
            False,
        ),
        ("the records of 140 politicians", "12 world leaders and 128 other politicians", False),
        ("more-than 11 million documents", "11.5 million documents", False),
        ("back eight hours later", "turned around after four hours", False),
        ("erasing nine years of doubts", "two years after the decision", False),
        ("103 male patients", "One hundred and three male patients", False),
    ],
)
def test_figure_conflicts(a, b, disputed):
    assert bool(conflicts(quantities(a), quantities(b))) is disputed


def test_reconcile_explains_percent_change():
    note = reconcile(
        quantities("grew from $20 billion to $27 billion"), quantities("roughly 30% to $27 billion")
    )
    assert note and "+35%" in note


def _bench():
    spec = importlib.util.spec_from_file_location("bench_compare", REPO / "bench" / "compare.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_real_outlet_pairs():
    """92 hand-labelled pairs from giveme5w1h and multinews (tests/fixtures/claims_cases.jsonl), the
    detector run on both whole articles. Measured (python bench/compare.py): accuracy 0.72, disputes
    precision 0.94 / recall 0.94 (15 of 16), same-fact precision 0.93 / recall 0.63. Floors leave a
    little room."""
    bench = _bench()
    cases = bench.load_cases()
    assert len(cases) >= 20
    for case in cases:  # the fixture points at the right sentences
        arts, spans = bench.case_articles(case)
        for side, art in zip("ab", arts, strict=True):
            _, start, end = spans[side]
            assert art.text[start:end].startswith(case[f"{side}_begins"])
    results = [(case, bench.predict(case)) for case in cases]
    score = bench.score(results)
    assert score["accuracy"] >= 0.65, score
    assert score["dispute_precision"] >= 0.8 and score["dispute_recall"] >= 0.8, score
    assert score["align_precision"] >= 0.85 and score["align_recall"] >= 0.55, score
