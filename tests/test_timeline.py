"""Timeline: date expressions, their resolution, and the seeds' timeline against the gold."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crosswire.clean import clean_article
from crosswire.dates import find_dates, reference_date, resolve
from crosswire.records import Article
from crosswire.segment import split_article
from crosswire.settings import Settings
from crosswire.timeline import build_timeline, lead_event_date

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS, GOLD, DATA = SHARED / "seeds", SHARED / "gold" / "seeds.json", SHARED / "data"

REF = dt.date(2019, 5, 14)  # a Tuesday


def _resolve_all(sentence: str, ref: dt.date | None = REF) -> list[tuple[str, str | None]]:
    return [(m.text, resolve(m, ref, sentence)) for m in find_dates(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officials met on Tuesday, 14 May, in Sochi.", [("Tuesday, 14 May", "2019-05-14")]),
        ("The deal was signed on May 14, 2019 in Sochi.", [("May 14, 2019", "2019-05-14")]),
        ("Trump met Putin in Helsinki last July.", [("last July", "2018-07")]),
        ("They will meet at the G20 summit next month.", [("next month", "2019-06")]),
        ("The two held a meeting yesterday.", [("yesterday", "2019-05-13")]),
        ("Trump said on Monday that he would attend.", [("on Monday", "2019-05-13")]),
        ("Putin will host the talks on Friday.", [("on Friday", "2019-05-17")]),
        ("Russia annexed Crimea in 2014.", [("2014", "2014")]),
        ("The meeting took place in July 2018.", [("July 2018", "2018-07")]),
        ("Last year, Putin revealed new weapons.", [("Last year", "2018")]),
        ("It set off on Dec. 22.", [("Dec. 22", "2018-12-22")]),
        ("The deal was struck two years ago.", [("two years ago", "2017")]),
    ],
)
def test_resolves_common_forms(sentence, expected):
    assert _resolve_all(sentence) == expected


def test_non_dates_are_ignored():
    assert find_dates("This may help, Theresa May said, after 2,000 people and 30 years of talks.") == []
    assert find_dates("The 1950s were different; 2019 percent is not a year.") == []


def test_without_reference_only_explicit_dates_resolve():
    got = dict(_resolve_all("On Tuesday he recalled the 2015 deal and last July's summit.", ref=None))
    assert got == {"On Tuesday": None, "2015": "2015", "last July": None}


def test_reference_from_weekday_and_latest_year():
    art = Article("x", "Leaders met on Tuesday, 14 May, in Sochi. They discussed the 2016 election.")
    assert reference_date(split_article(art)) == dt.date(2019, 5, 14)
    no_year = Article("y", "Leaders met on Tuesday, 14 May, in Sochi. They discussed the election.")
    assert reference_date(split_article(no_year)) is None  # a year is never guessed


def _seed_articles() -> list[Article]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        art = clean_article(Article(id=path.stem[:3], text=path.read_text(encoding="utf-8")), Settings())
        out.append(art)
    return out


@pytest.fixture(scope="module")
def seed_timeline():
    arts = _seed_articles()
    sentences = {a.id: split_article(a) for a in arts}
    return arts, sentences, build_timeline(arts, sentences, Settings())


def test_seed_timeline_citations_and_order(seed_timeline):
    arts, sentences, events = seed_timeline
    by_id = {a.id: a for a in arts}
    spans = {(s.article, s.start, s.end) for ss in sentences.values() for s in ss}
    dated = [e.date for e in events if e.resolved]
    assert dated == sorted(dated)
    assert all(not e.resolved for e in events[len(dated) :])  # unresolved last
    for e in events:
        assert e.citations
        for c in e.citations:
            assert (c.article, c.start, c.end) in spans
            assert 0 <= c.start < c.end <= len(by_id[c.article].text)
        sentence = by_id[e.citations[0].article].text[e.citations[0].start : e.citations[0].end]
        assert e.text in sentence  # a verbatim clause of the first cited sentence
        assert e.expression
        assert (e.date is None) == (not e.resolved)


def test_seed_timeline_recall(seed_timeline):
    """Gold dates found with at least one of their articles cited (measured: 6 of 8; the two misses,
    9 and 10 December 2019, need a publication date the seeds do not carry)."""
    _, _, events = seed_timeline
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["timeline"]
    found = 0
    for g in gold:
        cited = {c.article for e in events if e.date == g["date"] for c in e.citations}
        found += bool(cited & set(g["docs"]))
    assert found >= 6, found
    # The unanchored seeds never get an invented full date for 9-10 December 2019.
    assert not [e for e in events if e.date and e.date.startswith("2019-12")]


def test_same_event_merged_across_outlets(seed_timeline):
    _, _, events = seed_timeline
    helsinki = [e for e in events if e.date == "2018-07"]
    assert len(helsinki) == 1
    assert {c.article for c in helsinki[0].citations} == {"001", "003"}


def test_published_date_resolves_relative_dates():
    row = next(
        json.loads(line)
        for line in (DATA / "giveme5w1h" / "news_cluster.jsonl").open(encoding="utf-8")
        if "Swiss Crystal" in line and "Dec. 22" in line
    )
    art = Article("ship", row["text"], source=row["source_domain"], published=row["date_publish"])
    events = build_timeline([art], {"ship": split_article(art)}, Settings())
    dates = {e.expression: e.date for e in events}
    assert dates["Wednesday"] == "2017-12-27"  # published 2017-12-27, a Wednesday
    assert dates["on Tuesday"] == "2017-12-26"
    assert dates["Dec. 22"] == "2017-12-22"
    assert all(e.resolved for e in events)


def test_unresolved_kept_with_expression():
    art = Article("a", "The minister arrived on Tuesday. Talks are planned for next month.")
    events = build_timeline([art], {"a": split_article(art)}, Settings())
    assert [(e.date, e.resolved, e.expression) for e in events] == [
        (None, False, "on Tuesday"),
        (None, False, "next month"),
    ]


def test_lead_event_date_is_the_day_most_leads_give(seed_timeline):
    arts, sentences, events = seed_timeline
    sochi = {"001", "003", "004"}
    story_events = build_timeline([a for a in arts if a.id in sochi], sentences, Settings())
    # 003's lead dates the talks "Tuesday, 14 May" (the year from the years it mentions); 001 and
    # 004 say "Tuesday" in their leads, the same event
    assert lead_event_date(story_events, sentences) == "2019-05-14"
    washington = [a for a in arts if a.id in {"000", "002"}]
    # "yesterday" and "on Tuesday" with nothing to anchor them: no day, and none is guessed
    assert lead_event_date(build_timeline(washington, sentences, Settings()), sentences) is None


def test_lead_event_date_needs_a_lead_and_a_clear_winner():
    first = Article("a", "Ministers met on 3 March 2020 in Oslo. Earlier, on 1 February 2020, aides had met.")
    late = Article("b", "Ministers met in Oslo. Aides talked. Journalists waited. On 1 February 2020 aides had met.")
    other = Article("c", "Aides met on 1 February 2020 in Oslo. Ministers met on 3 March 2020.")
    both = Article("d", "Ministers met on 3 March 2020, after aides met on 1 February 2020.")
    cases = (
        ([first], "2020-03-03"),  # an article's first dated lead sentence is its event's day
        ([late], None),  # a day given only past the lead is background
        ([first, other], None),  # one vote each: the text does not decide
        ([first, other, Article("e", first.text)], "2020-03-03"),
        ([both], None),  # two days in one sentence: no vote
    )
    for arts, expected in cases:
        sentences = {a.id: split_article(a) for a in arts}
        assert lead_event_date(build_timeline(arts, sentences, Settings()), sentences) == expected, arts


def test_a_paragraph_printed_twice_is_one_event():
    text = (
        "SpaceX said last week it had delayed the launch until 2018.\n"
        "The rocket will carry a car.\n"
        "SpaceX said last week it had delayed the launch until 2018.\n"
        "The company also expects to fly astronauts in 2018."
    )
    art = Article("a", text, published="2017-12-27")
    events = build_timeline([art], {"a": split_article(art)}, Settings())
    repeated = [e for e in events if e.text.startswith("SpaceX said") and e.date == "2018"]
    assert len(repeated) == 1 and len(repeated[0].citations) == 2
    # another event of the same article in the same year stays its own entry
    assert [e for e in events if e.date == "2018" and e.text.startswith("The company also expects")]


def test_a_lead_only_timeline_still_resolves_against_the_whole_article():
    text = (
        "Leaders met in Sochi on Tuesday, 14 May. They talked for hours. Aides waited outside. "
        "The talks followed a summit in Helsinki. Tensions had grown since 2018."
    )
    art = Article("a", text)
    sentences = {"a": split_article(art)}
    leads = build_timeline([art], sentences, Settings(), lead=3)
    # only the lead's date is read, and its year comes from "2018" further down: the first
    # year not before 2018 in which 14 May is a Tuesday
    assert [(e.date, e.expression) for e in leads] == [("2019-05-14", "Tuesday, 14 May")]
    assert {e.date for e in build_timeline([art], sentences, Settings())} == {"2018", "2019-05-14"}
