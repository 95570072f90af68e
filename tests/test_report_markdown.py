"""The Markdown briefing (crosswire.report.markdown): what a story's header and tables show."""

from __future__ import annotations

from crosswire.records import Article, Briefing, Citation, Claim, Story
from crosswire.report import briefing_markdown

SAYS = "Trump said on Monday that he will meet Putin at the summit."
DENIES = "The Kremlin denied that any meeting had been requested. " + "Officials added nothing more. " * 12


def _briefing(claims, date=None):
    arts = (Article("voa", SAYS, source="voanews.com"), Article("pti", DENIES))
    story = Story("s", "Summit", ("voa", "pti"), date=date, place="Sochi", claims=tuple(claims))
    return briefing_markdown(Briefing(arts, (), (story,), ()))


def test_a_disputed_claim_shows_the_other_side_in_its_own_words():
    denial = Citation("pti", 0, DENIES.index(".") + 1)
    claim = Claim(SAYS, "disputed", (Citation("voa", 0, len(SAYS)),), (denial,), "one statement denies what the other asserts")
    row = next(line for line in _briefing([claim]).splitlines() if line.startswith("| **Trump"))
    # the unnamed outlet is shown by its source number, in the row and as a column
    assert "\u2014 [2]: \u201cThe Kremlin denied that any meeting had been requested.\u201d [2]" in row
    assert row.endswith("| \u2713 | \u2717 | **disputed** |")


def test_a_long_disputing_sentence_is_cut_at_a_word():
    claim = Claim(SAYS, "disputed", (Citation("voa", 0, len(SAYS)),), (Citation("pti", 0, len(DENIES.rstrip())),))
    row = next(line for line in _briefing([claim]).splitlines() if line.startswith("| **Trump"))
    side = row.split("\u2014 [2]: \u201c", 1)[1].split("\u201d", 1)[0]
    assert side.endswith(" \u2026") and len(side) <= 242 and DENIES.startswith(side[:-2])


def test_the_header_reads_the_day_and_names_no_file_id():
    md = _briefing([], date="2019-05-14")
    assert "**Tuesday 14 May 2019 \u00b7 Sochi \u00b7 voanews.com, [2]** \u2014 2 articles" in md
    assert "**Sochi \u00b7 voanews.com, [2]**" in _briefing([])


def test_sources_name_each_article_once_and_what_the_cleaner_removed():
    from dataclasses import replace

    arts = (
        Article("voa", SAYS, source="voanews.com", title="Summit", removed=("MOSCOW \u2014", "0 Comments", "0 Comments")),
        replace(Article("pti-0123456789", DENIES), removed=tuple(f"Also on example.com story {i}" for i in range(6))),
    )
    story = Story("s", "Summit", ("voa", "pti-0123456789"))
    md = briefing_markdown(Briefing(arts, (), (story,), ()))
    lines = md.split("**Sources**")[1].strip().splitlines()
    assert lines[0] == (
        "1. voanews.com \u00b7 *Summit* (`voa`) \u2014 removed as page furniture: \u201cMOSCOW \u2014\u201d, \u201c0 Comments\u201d"
    )
    assert lines[1].startswith("2. `pti-0123456789` \u2014 removed as page furniture: \u201cAlso on example.com story 0\u201d")
    assert lines[1].endswith("and 2 more") and lines[1].count("pti-0123456789") == 1
