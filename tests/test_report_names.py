"""Names a storyline's stories spell differently (crosswire.report.names) and where they are shown."""

from __future__ import annotations

from dataclasses import replace

from crosswire.compare.entities import same_name
from crosswire.records import Briefing, Entity, Story, Storyline
from crosswire.report import briefing_json, briefing_markdown
from crosswire.report.names import storyline_name_variants


def _story(sid, *entities):
    return Story(sid, f"Story {sid}", (f"{sid}-a",), entities=tuple(entities))


def _person(*aliases):
    return Entity(aliases[0], "PERSON", tuple(aliases), ("x",))


def test_same_name_allows_one_typo_or_transliteration_per_word():
    assert same_name("Juan Guiado", "Juan Guaido") and same_name("Sergei Lavrov", "Sergey Lavrov")
    assert not same_name("John Smith", "Jane Smith") and not same_name("Guaido", "Guiado")
    assert not same_name("Juan Guaido", "Juan Pablo Guaido")


def test_a_spelling_only_another_story_uses_is_listed_once_for_the_storyline():
    stories = [
        _story("s1", _person("Juan Guaido", "Guaido"), _person("Sergei Lavrov", "Sergey Lavrov", "Lavrov")),
        _story("s2", _person("Juan Guiado"), _person("Sergei Lavrov", "Sergey Lavrov"), _person("Jane Smith")),
        _story("s3", _person("John Smith")),
    ]
    (variant,) = storyline_name_variants(stories)
    assert variant.spellings == ("Juan Guaido", "Juan Guiado") and variant.stories == ("s1", "s2")
    # Lavrov's spellings are already joined inside each story; Jane and John Smith are two people.
    briefing = Briefing((), (), tuple(stories), (Storyline("l1", "Line", ("s1", "s2", "s3")),))
    assert "Names across these stories: Juan Guaido / Juan Guiado: one person (Juan Guaido)" in briefing_markdown(briefing)
    (line,) = briefing_json(briefing)["storylines"]
    assert line["name_variants"] == [variant.to_json()] and line["stories"] == ["s1", "s2", "s3"]


def test_a_tie_between_spellings_does_not_depend_on_story_order():
    # one article each: the counts cannot tell the misspelling, so the order of the stories (which
    # dating them can change) must not pick the name either
    one, other = _story("s1", _person("Juan Guaido")), _story("s2", _person("Juan Guiado"))
    assert storyline_name_variants([one, other]) == [
        replace(v, stories=("s1", "s2")) for v in storyline_name_variants([other, one])
    ]


def test_a_lone_story_has_no_storyline_variants():
    assert storyline_name_variants([_story("s1", _person("Juan Guaido"), _person("Juan Guiado"))]) == []
