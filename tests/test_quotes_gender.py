"""Pronoun agreement evidence (crosswire.quotes.gender)."""

from __future__ import annotations

from crosswire.quotes.gender import person_gender, pronoun_gender


def test_the_words_introducing_a_person_come_before_the_first_name():
    assert person_gender("Mary Smith") == "f" and person_gender("John Brown") == "m"
    assert person_gender("Chris Evans", {"actress"}) == "f"  # the text's own word wins
    assert person_gender("Kim Lee", {"spokesman", "his"}) == "m"
    assert person_gender("Kim Lee", {"spokesman", "spokeswoman"}) is None  # both: no evidence
    assert person_gender("Thurman") is None and person_gender("Kim Jong Un") is None  # unknown never blocks
    assert person_gender("Jean Dupont") is None  # a first name borne by both sexes


def test_only_singular_personal_pronouns_have_a_sex():
    assert [pronoun_gender(w) for w in ("She", "her", "He", "him", "they", "it")] == ["f", "f", "m", "m", None, None]
