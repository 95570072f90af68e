"""Linking one statement across outlets (crosswire.quotes.link), with the real sentence embedder."""

from __future__ import annotations

from crosswire.quotes import link_same_statements
from crosswire.records import Quote

# One offer reported in other words: MiniLM cosine about 0.71, half of the content words shared (three),
# i.e. only the moderate test can link them.
OFFER = "We are ready to extend the arms treaty if Washington wants it"
REWORDED = "Russia is ready to prolong the arms control treaty should the United States agree"
# The same cosine range (about 0.69) and a third of the words, but only two of them, topic words.
TOPIC_ONLY = "Russia is prepared to prolong the arms control treaty should the United States agree"


def _q(speaker, text, article):
    return Quote(speaker, None, text, article, 0, len(text), "said", False, ())


def test_a_reworded_statement_links_when_the_same_person_made_both():
    linked = link_same_statements([_q("Sergei Lavrov", OFFER, "a"), _q("Sergey Lavrov", REWORDED, "b")])
    assert linked[0].same_as == (1,) and linked[1].same_as == (0,)


def test_a_loosely_similar_pair_without_the_same_named_speaker_stays_apart():
    for other in (None, "Mike Pompeo"):
        linked = link_same_statements([_q("Sergei Lavrov", OFFER, "a"), _q(other, REWORDED, "b")])
        assert linked[0].same_as == () and linked[1].same_as == ()


def test_two_shared_topic_words_do_not_make_one_statement():
    linked = link_same_statements([_q("Sergei Lavrov", OFFER, "a"), _q("Sergey Lavrov", TOPIC_ONLY, "b")])
    assert linked[0].same_as == () and linked[1].same_as == ()


def test_links_only_join_different_articles():
    linked = link_same_statements([_q("Sergei Lavrov", OFFER, "a"), _q("Sergei Lavrov", REWORDED, "a")])
    assert all(q.same_as == () for q in linked)
