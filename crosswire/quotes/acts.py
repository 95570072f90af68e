"""Is an attribution a statement: something its source said, wrote or declared?

PolNeAR-style attribution (what the extractor is fitted to) also counts stance and event cues:
"agreed to work", "expected to visit", "greeted on arrival", "discussed a wide range of problems".
They belong in the JSON, but a reader's "who said what" is about words, so each quote carries
`statement`: true for direct speech and for cues that are acts of saying (verbs like "said",
"warned", "denied", "called on"; nouns like "statement", "interview"; "according to"), false for
the rest. A passive cue ("he was accused of", "Asked whether it was timed..., Peskov said") quotes
what was said to or about the source, not by it.
"""

from __future__ import annotations

from typing import Any

_SAYING = frozenset(
    """say tell add note state write tweet post announce declare claim insist deny confirm acknowledge
    admit argue explain warn urge call accuse blame praise criticize criticise slam condemn reject
    dismiss describe suggest predict promise pledge vow threaten demand ask reply respond answer
    comment complain question stress emphasize emphasise reiterate recall express echo cite report
    reveal mention disclose concede assert allege contend maintain testify inform invite thank
    apologize apologise congratulate welcome lament decry denounce defend hail applaud mock joke quip
    shout yell exclaim whisper propose recommend advise caution counter retort rebut boast remark
    observe point indicate hint instruct request plead appeal swear assure reassure believe think
    find conclude estimate brand label dub term quote read proclaim inquire address feel tout charge
    dispute object protest rule recount characterize characterise portray speculate wonder muse
    concur lecture preach chant sing blog""".split()
)
_SAYING_NOUNS = frozenset(
    """statement remark comment interview announcement tweet post letter speech testimony claim warning
    call appeal message report criticism accusation denial assertion argument explanation promise
    pledge question answer response reply words view opinion address briefing note memo email
    essay op-ed editorial complaint lawsuit filing affidavit transcript""".split()
)


def is_statement(cue: Any | None, direct: bool) -> bool:
    """True for direct speech and for a cue (a spaCy token, or None) that is an act of saying."""
    if direct or cue is None:
        return True  # no cue read (a dash, a headline "X:"): nothing says it is not speech
    from ..nlp import lemma as lemma_of  # parses skip the lemmatizer; this reads the few lemmas needed

    lemma = lemma_of(cue).lower()
    if lemma == "accord" or cue.lower_ == "according":  # "according to"
        return True
    if cue.tag_ == "VBN" and (cue.i == cue.sent.start or any(c.dep_ == "auxpass" for c in cue.children)):
        return False  # "Asked whether ..., Peskov said"; "he was accused of": said to them, not by them
    if cue.pos_ in ("NOUN", "PROPN"):
        return lemma in _SAYING_NOUNS
    return lemma in _SAYING
