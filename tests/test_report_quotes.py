"""The reader's "who said what": which quotes are shown, under which speaker."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

from conftest import SEEDS

from crosswire.records import Entity, Quote, Span
from crosswire.report import briefing_markdown
from crosswire.report.quotes import reader_text, same_statement, speaker_groups, speaker_role, wordings


def _q(speaker, text, direct=False, same_as=()):
    return Quote(speaker, None, text, "a1", 0, len(text), "said", direct, tuple(same_as))


def test_fragments_and_unattributed_indirect_text_are_not_listed():
    quotes = [
        _q("Sergey Lavrov", "that"),  # a fragment of an attribution
        _q(None, "the political situation in Venezuela"),  # no speaker, not a quotation
        _q(None, "We will continue our dialogue", direct=True),
        _q("Mike Pompeo", "the two countries are working on improving relations"),
    ]
    groups = speaker_groups(quotes)
    assert groups == [("Mike Pompeo", [3]), (None, [2])]


def test_attributions_that_are_not_statements_are_not_listed():
    acts = [
        _q("Mike Pompeo", "the Iranian regime to behave like a normal country"),
        replace(_q("Mike Pompeo", "to work to normalize strained relations"), cue="agreed", statement=False),
        replace(_q("Vladimir Putin", "to visit a military facility in the south"), cue="expected", statement=False),
    ]
    assert speaker_groups(acts) == [("Mike Pompeo", [0])]


def test_speakers_are_grouped_under_their_entity_name():
    entities = [
        Entity("Sergei Lavrov", "PERSON", ("Lavrov", "Sergei Lavrov"), ("a1",)),
        Entity("Donald Trump", "PERSON", ("Trump", "Donald Trump"), ("a1",)),
        Entity("Sergio Lavrova", "PERSON", ("Sergio Lavrova",), ("a1",)),
    ]
    quotes = [
        _q("Sergey Lavrov", "Russia is ready to extend the treaty"),
        _q("Lavrov", "the allegations are baseless and unproven"),
        _q("U.S. President Donald Trump", "he expected a very fruitful meeting"),
        _q("Mike Pompeo", "lines of communication remain open"),
    ]
    groups = dict(speaker_groups(quotes, entities))
    assert groups == {"Sergei Lavrov": [0, 1], "Donald Trump": [2], "Mike Pompeo": [3]}
    joint = _q("Mike Pompeo and Sergei Lavrov", "the talks would go on next month")
    assert dict(speaker_groups([*quotes, joint], entities))["Mike Pompeo and Sergei Lavrov"] == [4]


def test_spellings_that_differ_in_dashes_dots_or_case_are_one_speaker():
    quotes = [
        _q("Erie Times-News", "reports that the bill was more than $284 billion"),
        _q("Erie Times News", "reports that the amount was corrected quickly"),
        _q("US Army", "said the base is closed"),
        _q("U.S. Army", "said the base will reopen"),
        _q("Erie Times", "reports that the family was relieved"),  # another name, not a spelling
    ]
    assert speaker_groups(quotes) == [("Erie Times-News", [0, 1]), ("US Army", [2, 3]), ("Erie Times", [4])]


def test_a_speaker_is_listed_with_the_role_most_of_their_quotes_give():
    from crosswire.records import Article, Briefing, Story

    quotes = tuple(
        replace(_q("Dmitry Peskov", text), speaker_role=role)
        for text, role in (
            ("the visit was routine and sent no message", "spokesman"),
            ("Washington had not requested a meeting", "Kremlin spokesman"),
            ("the pressure campaign would only drive Tehran into a corner", "Kremlin spokesman"),
        )
    )
    assert speaker_role(quotes, [0, 1, 2]) == "Kremlin spokesman" and speaker_role(quotes, [0]) == "spokesman"
    story = Story("s", "Talks", ("a1",), quotes=quotes)
    md = briefing_markdown(Briefing((Article("a1", "x" * 80),), (), (story,), ()))
    assert "- **Dmitry Peskov** (Kremlin spokesman)" in md


def test_same_statement_twins_are_listed_once():
    quotes = [
        _q("Mike Pompeo", "Trump is committed to improving this relationship", same_as=[1, 2]),
        _q("Mike Pompeo", "Trump is committed to improve this relationship", same_as=[0]),
        _q("Mike Pompeo", "ok", same_as=[0]),  # not shown, so never listed as a twin
    ]
    done: set[int] = set()
    assert same_statement(quotes, 0, done) == [0, 1]
    assert done == {0, 1}


def _at(text, content, cue, direct=False):
    start = text.index(content)
    c0 = text.index(cue)
    return Quote("Sergey Lavrov", None, content, "a1", start, start + len(content), cue, direct, (),
                 Span(c0, c0 + len(cue)))


def test_word_for_word_copies_are_one_wording_with_all_their_sources():
    from crosswire.records import Article, Briefing, Story

    said = "\u201cWe take pride in bringing people together,\u201d Freed said."
    copies = [said, said.replace("\u201c", '"').replace("\u201d", '"'), "We are proud to bring people together."]
    arts = tuple(Article(f"a{i}", t, source=f"outlet{i}.com") for i, t in enumerate(copies))
    twins = [(1, 2), (0, 2), (0, 1)]
    quotes = tuple(
        Quote("Joshua Freed", None, a.text, a.id, 0, len(a.text), "said", True, twins[i]) for i, a in enumerate(arts)
    )
    assert [(text, used) for text, used in wordings(quotes, [0, 1, 2], lambda q: q.text)] == [
        (copies[0], [0, 1]),  # curly and straight quotation marks: one wording
        (copies[2], [2]),
    ]
    story = Story("s", "Apology", tuple(a.id for a in arts), quotes=quotes)
    md = briefing_markdown(Briefing(arts, (), (story,), ()))
    item = next(line for line in md.splitlines() if line.startswith("  - "))
    assert item.count("We take pride") == 1 and "[1][2] \u2248 " in item and item.endswith("worded differently*")
    alike = replace(story, quotes=quotes[:2], articles=story.articles[:2])
    md = briefing_markdown(Briefing(arts[:2], (), (alike,), ()))
    item = next(line for line in md.splitlines() if line.startswith("  - "))
    assert item.count("We take pride") == 1 and "[1][2]" in item and "worded differently" not in item


def test_indirect_speech_is_shown_with_the_cue_that_introduces_it():
    text = ("Sergey Lavrov briefed the media after talks in Washington. Lavrov said on Tuesday that trade "
            "grew by 30%. Russia is hoping the feeling dissipates, Lavrov added. He called.\nThe ties matter.")
    assert reader_text(_at(text, "the media after talks in Washington", "briefed"), text) == (
        "briefed the media after talks in Washington")
    # words between cue and content are the article's own, copied as they stand
    assert reader_text(_at(text, "trade grew by 30%", "said"), text) == "said on Tuesday that trade grew by 30%"
    # a cue after its content, or one across a sentence or paragraph break, is not glued on
    assert reader_text(_at(text, "Russia is hoping the feeling dissipates", "added"), text) == (
        "Russia is hoping the feeling dissipates")
    assert reader_text(_at(text, "The ties matter", "called"), text) == "The ties matter"
    # a cue further back in the same sentence: the clause between them is left out, and marked so
    far = ("Lavrov told the top US diplomat, who will also hold talks with President Vladimir Putin later "
           "on Tuesday, that it was time to work together.")
    assert reader_text(_at(far, "that it was time to work together", "told"), far) == (
        "told \u2026 that it was time to work together")
    # direct speech keeps its quotation marks and is not prefixed
    assert reader_text(_at(text, "trade grew by 30%", "said", direct=True), text) == "\u201ctrade grew by 30%\u201d"
    # a quotation over a paragraph break stays on one line of the list
    two = "He said: \u201cWe differ.\n\nBut we talk.\u201d"
    assert reader_text(_at(two, "We differ.\n\nBut we talk.", "said", direct=True), two) == (
        "\u201cWe differ. But we talk.\u201d")
    # offsets that do not slice this text (another article's, or none) leave the content alone
    q = _at(text, "the media after talks in Washington", "briefed")
    assert reader_text(q, "Another text altogether, much longer than the first one was when written down.") == q.text
    assert reader_text(q, None) == q.text


def test_seed_briefing_lists_each_speaker_once_per_story():
    out = subprocess.run(
        [sys.executable, "-m", "crosswire.cli", "brief", str(SEEDS), "--format", "md"],
        capture_output=True, text=True, check=True,
    ).stdout
    for story in out.split("\n### ")[1:]:
        section = story.split("**Who said what**")[-1].split("**Where the outlets")[0]
        speakers = [line[4:-2] for line in section.splitlines() if line.startswith("- **")]
        assert len(speakers) == len(set(speakers)), speakers
        assert "Sergey Lavrov" not in speakers  # listed under the entity's spelling
    assert json.loads(subprocess.run(
        [sys.executable, "-m", "crosswire.cli", "brief", str(SEEDS), "--format", "json"],
        capture_output=True, text=True, check=True,
    ).stdout)["stories"][0]["quotes"]  # the JSON still carries every quote
